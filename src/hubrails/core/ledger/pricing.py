"""Effective-dated model prices from ``registry/pricing.yaml``, with model aliases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from hubrails.core.registry.config import HubConfig
from hubrails.errors import ConfigError

TIERS = ("economy", "standard", "premium")  # cheapest first
PRICING_FILE = "pricing.yaml"


@dataclass(frozen=True, slots=True)
class Price:
    """Prices in USD per million tokens, in force from ``effective_from`` (UTC midnight)."""

    effective_from: str
    start_ms: int
    input: float
    output: float
    cache_read: float
    cache_write: float

    def cost(self, input_tokens: int, output: int, cache_read: int, cache_write: int) -> float:
        """The cost of normalised token counts (input excludes cache reads and writes)."""
        return (
            input_tokens * self.input
            + output * self.output
            + cache_read * self.cache_read
            + cache_write * self.cache_write
        ) / 1_000_000


@dataclass(frozen=True, slots=True)
class Model:
    """A priced model: its id, tier and prices sorted by date."""

    id: str
    tier: str
    prices: tuple[Price, ...]

    def price_at(self, ts_ms: int) -> Price | None:
        """The price in force at ``ts_ms``; ``None`` before the first one."""
        found = None
        for price in self.prices:
            if price.start_ms > ts_ms:
                break
            found = price
        return found

    @property
    def current(self) -> Price:
        """The latest price."""
        return self.prices[-1]


@dataclass(frozen=True, slots=True)
class PriceBook:
    """Every priced model, by id and by alias."""

    models: dict[str, Model] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def resolve(self, name: str) -> Model | None:
        """The model ``name`` (an id or an alias) stands for."""
        model_id = self.names.get(name)
        return self.models[model_id] if model_id is not None else None

    def cheaper_tier(self, model: Model) -> list[Model]:
        """The models of the next cheaper tier that has any, else an empty list."""
        rank = TIERS.index(model.tier)
        for tier in reversed(TIERS[:rank]):
            found = [m for m in self.models.values() if m.tier == tier]
            if found:
                return found
        return []


def _start_ms(day: str) -> int:
    moment = datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC)
    return int(moment.timestamp() * 1000)


def load_pricing(config: HubConfig) -> PriceBook:
    """Read and validate the registry's price list; an absent file means no prices."""
    from hubrails.core.registry import safefile, safeyaml
    from hubrails.core.registry.schemas import first_error

    path: Path = config.registry_dir / PRICING_FILE
    if not path.is_file():
        return PriceBook()
    try:
        doc = safefile.load(path, config.root)
    except safeyaml.LoadError as exc:
        raise exc.to_error(str(path), ConfigError) from None
    problem = first_error("Pricing", doc)
    if problem is not None:
        message, (line, column) = problem
        raise ConfigError(message, path=str(path), line=line, column=column)
    models: dict[str, Model] = {}
    names: dict[str, str] = {}
    for entry in doc.data["spec"]["models"]:
        prices = sorted(
            (
                Price(
                    p["effective_from"],
                    _start_ms(p["effective_from"]),
                    float(p["input_per_mtok"]),
                    float(p["output_per_mtok"]),
                    float(p.get("cache_read_per_mtok", p["input_per_mtok"])),
                    float(p.get("cache_write_per_mtok", p["input_per_mtok"])),
                )
                for p in entry["prices"]
            ),
            key=lambda p: p.start_ms,
        )
        models[entry["id"]] = Model(entry["id"], entry["tier"], tuple(prices))
        for name in (entry["id"], *entry.get("aliases", ())):
            if names.setdefault(name, entry["id"]) != entry["id"]:
                raise ConfigError(
                    f"model name {name!r} is used by both {names[name]} and {entry['id']}",
                    path=str(path),
                    line=doc.mark(("spec", "models"))[0],
                )
    return PriceBook(models, names)
