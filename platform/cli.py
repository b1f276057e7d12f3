"""Command-line tools: ``flask --app wsgi <command>``."""

from __future__ import annotations

import sys

import click
from flask import Flask

from .db import unit_of_work
from .errors import DomainError


def register(app: Flask) -> None:
    @app.cli.command("create-official")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    def create_official_command(email: str, name: str) -> None:
        """Create a Seoul official. The password is read from standard input."""
        from .accounts.services import create_official

        if sys.stdin.isatty():
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        else:
            password = sys.stdin.readline().rstrip("\n")
        try:
            with unit_of_work(write=True):
                user = create_official(email=email, name=name, password=password)
                user_id = user.id
        except DomainError as err:
            details = "; ".join(m for msgs in err.errors.values() for m in msgs)
            raise click.ClickException(f"{err.detail} {details}".strip()) from err
        click.echo(user_id)

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load the demo data (idempotent)."""
        from .demo import seed_demo

        if not app.config.get("DEMO_ALLOWED"):
            raise click.ClickException("demo data is not allowed in production")
        with unit_of_work(write=True):
            summary = seed_demo()
        click.echo(summary)

    @app.cli.command("remove-demo")
    def remove_demo_command() -> None:
        """Delete every demo organisation and account."""
        from .demo import remove_demo

        with unit_of_work(write=True):
            removed = remove_demo()
        click.echo(f"removed {removed} demo records")

    @app.cli.command("send-mail")
    def send_mail_command() -> None:
        """Deliver the e-mail that is due now, once (needs SMTP_HOST). The worker
        (``flask worker``) does this every minute; this is for a cron job or by hand."""
        from .mail.tasks import smtp_configured, sweep

        if not smtp_configured():
            raise click.ClickException("SMTP_HOST is not set: the outbox is the delivery")
        click.echo(str(sweep()))
