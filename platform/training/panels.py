"""The training pages other training use cases add sections to (see seoul_platform.panels):

- ``cohort``: the cohort page (programmes part) receives the enrollment panel (apply, status,
  waitlist position, offer, withdraw), the participant's records (invitation letter, action
  plan, certificate) and the feedback survey; subject: the Cohort;
- ``my_training``: the person's own training page (enrollment part) receives the records
  and feedback parts' sections; subject: the list of the person's Enrollments.
"""

from __future__ import annotations

from ..panels import Panel, PanelRegistry

PAGES = ("cohort", "my_training")

_registry = PanelRegistry("training", PAGES)
panel = _registry.panel
collect = _registry.collect

__all__ = ["PAGES", "Panel", "collect", "panel"]
