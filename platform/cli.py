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
    @click.option("--loop", is_flag=True, help="Keep running, every 30 seconds.")
    def send_mail_command(loop: bool) -> None:
        """Deliver queued e-mail over SMTP (needs SMTP_HOST)."""
        import time

        from .mail.services import deliver_outbox

        while True:
            sent = deliver_outbox()
            click.echo(f"sent {sent}")
            if not loop:
                return
            time.sleep(30)
