"""One change between two specs: its rule, where it is, where the API uses it, and what proves or explains it."""

from dataclasses import dataclass, field

from codegen.ratings import Direction, Rule, Severity


@dataclass(frozen=True, order=True)
class Site:
    """A place a change reaches on the wire: an operation, a part of it, and a path into that part's value.

    `part` is `request <media type>`, `response <status>`, `response <status> header <name>`,
    `parameter <in> <name>`, or empty for the operation itself; `path` holds property names, `[]` for the items
    of an array.
    """

    operation: str
    part: str = ""
    path: tuple[str, ...] = ()

    def describe(self) -> str:
        """`embedImage response 200: data.embedding[]`."""
        where = " ".join(token for token in (self.operation, self.part) if token)
        value = ".".join(self.path).replace(".[]", "[]")
        return f"{where}: {value}" if value else where


@dataclass(frozen=True)
class Evidence:
    """What running a generated client showed: a failure, with the smallest example that provokes it."""

    site: Site
    kind: str  # "exception", "rejected", "type", "unparsed"
    message: str
    example: object
    breaking: bool


@dataclass(frozen=True)
class PythonEffect:
    """One change in the public Python API of the generated client."""

    kind: str
    path: str
    detail: str
    severity: Severity
    anchors: frozenset[str]

    def describe(self) -> str:
        """`models.ImageEmbeddingResponse.msg: annotation str -> str | Unset`."""
        return f"`{self.path}`: {self.detail}"


@dataclass
class Change:
    """A change between OLD and NEW, rated by its rule and by what the generated clients showed."""

    rule: Rule
    location: str
    detail: str
    direction: Direction
    sites: set[Site] = field(default_factory=set)
    anchors: set[str] = field(default_factory=set)
    evidence: list[Evidence] = field(default_factory=list)
    python: list[PythonEffect] = field(default_factory=list)
    # How the same edit, read backwards, rates for a client generated from NEW against a server still at OLD.
    old_servers: Severity = Severity.INFO

    @property
    def severity(self) -> Severity:
        """The rule's severity, raised by a failure of the old client or a breaking change of its Python API."""
        found = [self.rule.severity]
        found += [Severity.BREAKING if item.breaking else Severity.WARNING for item in self.evidence]
        found += [effect.severity for effect in self.python]
        return max(found, key=lambda severity: severity.rank)


class ChangeSet:
    """The changes found so far; the same change reached from several operations is kept once, with every site."""

    def __init__(self) -> None:
        self._changes: dict[tuple[str, str, str], Change] = {}

    def add(
        self,
        rule: Rule,
        location: str,
        detail: str,
        direction: Direction = Direction.NEITHER,
        site: Site | None = None,
        anchors: frozenset[str] = frozenset(),
    ) -> None:
        """Record a change (or one more site and anchors of a change already recorded)."""
        key = (rule.name, location, detail)
        if key not in self._changes:
            travels = rule.direction if rule.direction is not Direction.NEITHER else direction
            self._changes[key] = Change(rule, location, detail, travels)
        change = self._changes[key]
        if site is not None:
            change.sites.add(site)
        change.anchors.update(anchors)

    def changes(self) -> list[Change]:
        """Every change, in the order found."""
        return list(self._changes.values())
