"""``hub dashboard``: the data of one HTML page for a platform team and its leadership (the
ledger report's sections, daily and weekly series, certification, waivers, tools and skill
promotions), gathered as dataclasses; ``render/html`` formats it. May import ledger (its report,
budgets and windows, so the numbers are those of ``hub ledger report``), catalog, certify, hub,
promote (its commit trailer), registry, store and vcs."""
