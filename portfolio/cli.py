"""Command-line tasks: `flask demo` loads a demo account with a full portfolio."""

from __future__ import annotations

import click
from flask import Flask

from portfolio import demo
from portfolio.backup import register_backup_commands


def register_cli(app: Flask) -> None:
    """Add the project's commands to the `flask` command."""
    register_backup_commands(app)

    @app.cli.command("demo")
    @click.option("--email", default=demo.DEMO_EMAIL, show_default=True)
    @click.option("--password", default=demo.DEMO_PASSWORD, show_default=True)
    def demo_command(email: str, password: str) -> None:
        """Create (or refresh) the demo account with a realistic portfolio."""
        user, count = demo.load_demo(email, password)
        click.echo(f"Demo account {user.email} ready with {count} projects.")
        click.echo(f"Log in with {email} / {password}")
