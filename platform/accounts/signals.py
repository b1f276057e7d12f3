"""What accounts tells, and asks, the features built on it, without importing them.

accounts is the bottom of the people stack: members (organisations) and onboarding
(invitations, join requests) import accounts, never the reverse (tests/core/test_layers.py).
Where a change to an account must reach their rows, or accounts needs their word, it sends
one of these blinker signals; the features' receivers are connected at app setup
(``_connect_account_signals()`` in app.py, called by create_app). The sender is always the
``User``; receivers run inside the caller's transaction, flush at most, and may raise to
abort it.

- ``account_deleted(user, old_email=...)``: the person deleted their account; sent before the
  row is anonymised. Every feature forgets the person: mail addressed to them, their
  notifications, their audit trail's address and IP, laureate links, invitation addresses.
- ``account_disabled(user, actor=...)``: an official disabled the account (e.g. onboarding
  revokes the open invitations the person sent).
- ``personal_data_requested(user)``: the data export; each receiver returns a dict of
  sections (``{"notifications": [...]}``) merged into the download. Conversations, documents
  and pilots answer it but not ``account_deleted``: their rows (messages, documents, requests,
  proposals, reviews, KPI values, reports) are shared records of organisations and stay; the
  anonymised account is their author then.
- ``account_refusal_requested(user)``: a declined or disabled person tries to sign in; a
  receiver may return ``(state, reason)`` to explain it (onboarding: the join request was
  declined, with the official's reason); None otherwise.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

account_deleted = _signals.signal("account-deleted")
account_disabled = _signals.signal("account-disabled")
personal_data_requested = _signals.signal("personal-data-requested")
account_refusal_requested = _signals.signal("account-refusal-requested")
