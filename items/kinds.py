"""The registry of ledger kinds: each kind app registers its model, number prefix, extra transitions and
light rule in its AppConfig.ready(). items never imports a kind app; kind apps import items."""
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class KindSpec:
    code: str  # ItemKind value
    model: type  # the Item subclass (or Item)
    prefix: str  # number prefix: RW → RW-2024-0012
    label: str
    transitions: list = field(default_factory=list)  # extra items.workflow.Transition rows
    light_rule: Callable | None = None  # callable(item, today) → (light, reason); default items.lights rule
    url_name: str | None = None  # detail page of the kind, if it has its own
    # Does an open item of this kind owe a progress report every 旬? A 12345 work order closed in five working
    # days does not: it is left out of "to report", the submission board and the missed-report yellow light.
    dekad_reports: bool = True
    # Separation of duties (Transition.separate_from): nobody reviews what they submitted or decides on their
    # own extension request. On for every kind unless a kind's own rows make it meaningless.
    separation_of_duties: bool = True


KINDS: dict[str, KindSpec] = {}
# Kinds that live in the database — one per administrator-defined ledger (ledgers.kinds). A provider is a
# callable `provider(wanted=None) -> {code: KindSpec}`; `wanted` names a code the caller is looking for, so a
# provider may refresh its cache when a kind it does not know yet is asked for (defined in another process).
PROVIDERS: list = []


def register_kind(spec: KindSpec):
    KINDS[spec.code] = spec
    return spec


def register_kind_provider(provider):
    PROVIDERS.append(provider)
    return provider


def all_kinds(wanted=None) -> dict[str, KindSpec]:
    """Every kind: the registered ones and those the providers define (a registered code wins)."""
    kinds = {}
    for provider in PROVIDERS:
        kinds.update(provider(wanted))
    kinds.update(KINDS)
    return kinds


def kind_spec(code):
    spec = KINDS.get(code)
    if spec is None and PROVIDERS and code:
        spec = all_kinds(code).get(code)
    return spec


def kinds_without_dekad_reports():
    return [code for code, spec in all_kinds().items() if not spec.dekad_reports]


def kind_model(code):
    spec = kind_spec(code)
    return spec.model if spec else None
