"""``hub ledger``: ingest agent runs, report cost, check budgets, emit records."""

from __future__ import annotations

import typer

from hubrails.cli.ledger import emit as ledger_emit
from hubrails.cli.ledger import ingest as ledger_ingest
from hubrails.cli.ledger import report as ledger_report
from hubrails.cli.ledger import serve as ledger_serve
from hubrails.cli.ledger import token as ledger_token

app = typer.Typer(
    help="The cost ledger: one record per agent run, in one store.", no_args_is_help=True
)
app.command("ingest")(ledger_ingest.ingest_command)
app.command("report")(ledger_report.report_command)
app.command("budget")(ledger_report.budget_command)
app.command("emit")(ledger_emit.emit_command)
app.command("serve")(ledger_serve.serve_command)
app.add_typer(ledger_token.app, name="token")
