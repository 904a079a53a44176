"""Survey instruments: scales, items, dimensions and the four quality perspectives.

An :class:`Instrument` is data: its dimensions and items, the rating scale, which
ratings each item is answered on (``E``/``P``; ``A``/``D``/``P``; ``P`` only ...),
and the *perspective* that says what a perception is compared with
(Reeves & Bednar, 1994):

=============  =====================================================  ================
perspective    reference a perception is compared with                 default
=============  =====================================================  ================
expectations   expectation ``E`` (two-column) or adequate ``A`` /      ``E`` or ``A``
               desired ``D`` (three-column, MSA and MSS)
excellence     desired/ideal ``D``, best competitor ``C`` or the        ``D``
               scale maximum ``"max"``
conformance    a specification target per item ``"spec"``             ``"spec"``
value          the respondent's sacrifice score ``"sacrifice"``        ``"sacrifice"``
performance    none (perception only, SERVPERF)                        ``None``
=============  =====================================================  ================

Built-in instruments (item texts written in our own words) are returned by
:func:`servqual22`, :func:`servqual_zot`, :func:`servperf22`, :func:`excellence`,
:func:`conformance` and :func:`value`; :func:`get` finds one by name.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, get_args

from .exceptions import InstrumentError

__all__ = [
    "RATINGS",
    "Dimension",
    "Instrument",
    "Item",
    "Perspective",
    "Scale",
    "conformance",
    "excellence",
    "get",
    "list_instruments",
    "servperf22",
    "servqual22",
    "servqual_zot",
    "value",
]

Perspective = Literal["expectations", "excellence", "conformance", "value", "performance"]
Role = Literal["quality", "sacrifice", "outcome"]

#: Rating letters an item can be answered on, with the score name used in results.
RATINGS: Mapping[str, str] = MappingProxyType(
    {
        "P": "perception",
        "E": "expectation",
        "A": "adequate",
        "D": "desired",
        "C": "competitor",
        "I": "importance",
    }
)

#: Reference names that are not survey columns.
_CONSTANT_REFERENCES = ("spec", "max", "sacrifice")

_REFERENCE_NAMES = {
    "E": "expectation",
    "A": "adequate",
    "D": "desired",
    "C": "competitor",
    "spec": "specification",
    "max": "scale maximum",
    "sacrifice": "sacrifice",
}

_ALLOWED_REFERENCES: dict[str, tuple[str, ...]] = {
    "expectations": ("E", "A", "D"),
    "excellence": ("D", "C", "max"),
    "conformance": ("spec", "max"),
    "value": ("sacrifice",),
    "performance": (),
}


def reference_name(reference: str) -> str:
    """Human name of a reference code (``"E"`` → ``"expectation"``)."""
    return _REFERENCE_NAMES.get(reference, reference)


@dataclass(frozen=True, slots=True)
class Scale:
    """A rating scale with integer end points, e.g. the 7-point scale 1–7.

    Parameters
    ----------
    low, high : int
        Lowest and highest allowed rating.
    anchors : tuple of str, optional
        Labels of the lowest and highest point ("Strongly disagree", ...).

    Examples
    --------
    >>> from servqual.instruments import Scale
    >>> Scale(1, 7).points
    7
    """

    low: int = 1
    high: int = 7
    anchors: tuple[str, str] = ("Strongly disagree", "Strongly agree")

    def __post_init__(self) -> None:
        if not (isinstance(self.low, int | float) and isinstance(self.high, int | float)):
            raise InstrumentError(
                f"Scale end points must be numbers, got low={self.low!r}, high={self.high!r}."
            )
        if self.high <= self.low:
            raise InstrumentError(
                f"Scale high ({self.high}) must be greater than low ({self.low})."
            )

    @property
    def points(self) -> int:
        """Number of scale points (for integer scales)."""
        return round(float(self.high - self.low)) + 1

    @property
    def midpoint(self) -> float:
        """The scale midpoint, ``(low + high) / 2``."""
        return (self.low + self.high) / 2.0

    def reverse(self, value: Any) -> Any:
        """Reverse-key a rating: ``low + high - value``."""
        return self.low + self.high - value

    def __str__(self) -> str:
        return f"{self.points}-point ({self.low}–{self.high})"


@dataclass(frozen=True, slots=True)
class Item:
    """One survey item.

    Parameters
    ----------
    code : str
        Short unique code used as the row label in results (``"TAN1"``).
    number : int
        Item number used by default column names (``E1``, ``P1`` ...).
    text : str
        Question wording.
    reverse : bool
        Whether the item is negatively worded and must be reverse-keyed.
    spec : float, optional
        Specification target on the rating scale (conformance perspective).
    """

    code: str
    number: int
    text: str = ""
    reverse: bool = False
    spec: float | None = None


@dataclass(frozen=True, slots=True)
class Dimension:
    """A dimension (factor) of an instrument: a name and its items.

    ``role`` is ``"quality"`` for ordinary dimensions, ``"sacrifice"`` for the
    price / effort dimensions of the value perspective, and ``"outcome"`` for
    global ratings (value for money, willingness to pay) that are not part of any
    gap.
    """

    name: str
    items: tuple[Item, ...]
    label: str = ""
    role: Role = "quality"

    def __post_init__(self) -> None:
        if not self.items:
            raise InstrumentError(f"Dimension {self.name!r} has no items.")
        if self.role not in get_args(Role):
            raise InstrumentError(
                f"Dimension {self.name!r} has role {self.role!r}; use one of {get_args(Role)}."
            )
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("_", " ").capitalize())


@dataclass(frozen=True, slots=True)
class Instrument:
    """A survey instrument: scale, dimensions, items, ratings and perspective.

    Parameters
    ----------
    name : str
        Display name, e.g. ``"SERVQUAL-22"``.
    dimensions : sequence of Dimension
        Dimensions in questionnaire order.
    scale : Scale
        Rating scale shared by all items.
    ratings : sequence of str
        Ratings each item is answered on, from :data:`RATINGS`
        (``("E", "P")``, ``("A", "D", "P")``, ``("P",)`` ...). Must include ``"P"``.
    perspective : {"expectations", "excellence", "conformance", "value", "performance"}
        Quality perspective; decides which references are allowed.
    reference : str, optional
        Default reference for gap scores. Defaults to the first allowed reference
        the instrument has (``"E"``, ``"A"``, ``"D"``, ``"spec"``, ``"sacrifice"``).
    weights : mapping of str to float, optional
        Importance weights per quality dimension, 100 points in all.
    description, citation : str
        Free text shown by :meth:`to_markdown`.

    Raises
    ------
    InstrumentError
        If codes or numbers repeat, a rating letter is unknown, the reference is not
        answered, specs are missing for a conformance instrument, or weights do not
        sum to 100.

    Examples
    --------
    >>> import servqual as sq
    >>> inst = sq.instruments.servqual22()
    >>> inst.n_items, [d.name for d in inst.dimensions][:2]
    (22, ['tangibles', 'reliability'])
    """

    name: str
    dimensions: tuple[Dimension, ...]
    scale: Scale = field(default_factory=Scale)
    ratings: tuple[str, ...] = ("E", "P")
    perspective: Perspective = "expectations"
    reference: str | None = None
    weights: Mapping[str, float] | None = None
    description: str = ""
    citation: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "dimensions", tuple(self.dimensions))
        object.__setattr__(self, "ratings", tuple(self.ratings))
        if not self.dimensions:
            raise InstrumentError(f"Instrument {self.name!r} has no dimensions.")
        if self.perspective not in get_args(Perspective):
            raise InstrumentError(
                f"Instrument {self.name!r}: unknown perspective {self.perspective!r}; "
                f"use one of {get_args(Perspective)}."
            )
        unknown = [r for r in self.ratings if r not in RATINGS]
        if unknown:
            raise InstrumentError(
                f"Instrument {self.name!r}: unknown rating letter(s) {unknown}; "
                f"allowed are {list(RATINGS)}."
            )
        if "P" not in self.ratings:
            raise InstrumentError(f"Instrument {self.name!r} must include perception ratings 'P'.")
        if len(set(self.ratings)) != len(self.ratings):
            raise InstrumentError(f"Instrument {self.name!r} repeats a rating: {self.ratings}.")
        self._check_items()
        self._check_reference()
        self._check_weights()

    # -- validation ---------------------------------------------------------------
    def _check_items(self) -> None:
        seen_dims: set[str] = set()
        codes: dict[str, str] = {}
        numbers: dict[int, str] = {}
        for dim in self.dimensions:
            if dim.name in seen_dims:
                raise InstrumentError(f"Instrument {self.name!r}: dimension {dim.name!r} repeats.")
            seen_dims.add(dim.name)
            for item in dim.items:
                if item.code in codes:
                    raise InstrumentError(
                        f"Instrument {self.name!r}: item code {item.code!r} is used in both "
                        f"{codes[item.code]!r} and {dim.name!r}."
                    )
                if item.number in numbers:
                    raise InstrumentError(
                        f"Instrument {self.name!r}: item number {item.number} is used by both "
                        f"{numbers[item.number]!r} and {item.code!r}."
                    )
                codes[item.code] = dim.name
                numbers[item.number] = item.code
                if item.spec is not None and not (self.scale.low <= item.spec <= self.scale.high):
                    raise InstrumentError(
                        f"Item {item.code!r}: spec {item.spec} lies outside the scale "
                        f"{self.scale.low}–{self.scale.high}."
                    )
        if not self.quality_dimensions:
            raise InstrumentError(f"Instrument {self.name!r} has no quality dimension.")

    def _check_reference(self) -> None:
        allowed = [
            r
            for r in _ALLOWED_REFERENCES[self.perspective]
            if r in self.ratings or r in _CONSTANT_REFERENCES
        ]
        if self.perspective == "conformance":
            missing = [i.code for i in self.quality_items if i.spec is None]
            if missing:
                raise InstrumentError(
                    f"Conformance instrument {self.name!r} needs a spec for every quality "
                    f"item; missing for {missing}."
                )
        if self.perspective == "value" and not any(d.role == "sacrifice" for d in self.dimensions):
            raise InstrumentError(
                f"Value instrument {self.name!r} needs at least one dimension with "
                "role='sacrifice'."
            )
        if self.reference is None:
            object.__setattr__(self, "reference", allowed[0] if allowed else None)
        elif self.reference not in allowed:
            raise InstrumentError(
                f"Instrument {self.name!r} ({self.perspective}) cannot use reference "
                f"{self.reference!r}; allowed here: {allowed}."
            )

    def _check_weights(self) -> None:
        if self.weights is None:
            return
        w = dict(self.weights)
        names = [d.name for d in self.quality_dimensions]
        extra = sorted(set(w) - set(names))
        missing = [n for n in names if n not in w]
        if extra or missing:
            raise InstrumentError(
                f"Instrument {self.name!r}: weights must name each quality dimension once; "
                f"unknown {extra}, missing {missing}."
            )
        if any(v < 0 for v in w.values()):
            raise InstrumentError(f"Instrument {self.name!r}: weights must be non-negative: {w}.")
        total = sum(w.values())
        if abs(total - 100.0) > 1e-6:
            raise InstrumentError(
                f"Instrument {self.name!r}: importance weights sum to {total:g}, not 100 "
                "(allocate 100 points across the dimensions)."
            )
        object.__setattr__(self, "weights", MappingProxyType({n: float(w[n]) for n in names}))

    # -- navigation ---------------------------------------------------------------
    @property
    def items(self) -> tuple[Item, ...]:
        """All items in questionnaire order."""
        return tuple(i for d in self.dimensions for i in d.items)

    @property
    def item_codes(self) -> tuple[str, ...]:
        """Codes of all items in questionnaire order."""
        return tuple(i.code for i in self.items)

    @property
    def n_items(self) -> int:
        """Number of items."""
        return len(self.items)

    @property
    def quality_dimensions(self) -> tuple[Dimension, ...]:
        """Dimensions with role ``"quality"`` (the ones gaps are computed for)."""
        return tuple(d for d in self.dimensions if d.role == "quality")

    @property
    def quality_items(self) -> tuple[Item, ...]:
        """Items of the quality dimensions."""
        return tuple(i for d in self.quality_dimensions for i in d.items)

    def dimension(self, name: str) -> Dimension:
        """Return the dimension called ``name``."""
        for d in self.dimensions:
            if d.name == name:
                return d
        raise InstrumentError(
            f"Instrument {self.name!r} has no dimension {name!r}; "
            f"dimensions are {[d.name for d in self.dimensions]}."
        )

    def dimension_of(self, code: str) -> str:
        """Name of the dimension that item ``code`` belongs to."""
        for d in self.dimensions:
            if any(i.code == code for i in d.items):
                return d.name
        raise InstrumentError(f"Instrument {self.name!r} has no item {code!r}.")

    def item(self, code: str) -> Item:
        """Return the item with code ``code``."""
        for i in self.items:
            if i.code == code:
                return i
        raise InstrumentError(f"Instrument {self.name!r} has no item {code!r}.")

    @property
    def model(self) -> dict[str, list[str]]:
        """Measurement model: quality dimension name → item codes (for CFA, alpha)."""
        return {d.name: [i.code for i in d.items] for d in self.quality_dimensions}

    @property
    def references(self) -> tuple[str, ...]:
        """References this instrument can compare perceptions with."""
        return tuple(
            r
            for r in _ALLOWED_REFERENCES[self.perspective]
            if r in self.ratings or r in _CONSTANT_REFERENCES
        )

    # -- (de)serialisation ----------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form, the inverse of :meth:`from_dict` (JSON/YAML friendly)."""
        return {
            "name": self.name,
            "perspective": self.perspective,
            "ratings": list(self.ratings),
            "reference": self.reference,
            "scale": {
                "low": self.scale.low,
                "high": self.scale.high,
                "anchors": list(self.scale.anchors),
            },
            "weights": dict(self.weights) if self.weights is not None else None,
            "description": self.description,
            "citation": self.citation,
            "dimensions": [
                {
                    "name": d.name,
                    "label": d.label,
                    "role": d.role,
                    "items": [
                        {
                            k: v
                            for k, v in {
                                "code": i.code,
                                "number": i.number,
                                "text": i.text,
                                "reverse": i.reverse,
                                "spec": i.spec,
                            }.items()
                            if not (k in ("reverse", "spec") and v in (False, None))
                        }
                        for i in d.items
                    ],
                }
                for d in self.dimensions
            ],
        }

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> Instrument:
        """Build an instrument from a plain dict (as written by :meth:`to_dict`).

        Each item is its text (a string), its number (an int: ``[4, 5, 6, 22]``
        are items 4, 5, 6 and 22 with codes ``"4"`` ...), or a mapping with
        ``text``, ``code``, ``number``, ``reverse`` and ``spec``. Items without a
        number are numbered by their position in the questionnaire (1, 2, ...);
        items without a code use their number as text.

        Raises
        ------
        InstrumentError
            For any malformed spec, naming where: ``dimensions[2].items[0]: ...``.

        Examples
        --------
        >>> from servqual.instruments import Instrument
        >>> inst = Instrument.from_dict({
        ...     "name": "Mini", "ratings": ["E", "P"],
        ...     "dimensions": [{"name": "speed", "items": ["Fast service", "Short queues"]},
        ...                    {"name": "care", "items": ["Kind staff", "Listens"]}]})
        >>> inst.item_codes
        ('1', '2', '3', '4')
        >>> Instrument.from_dict({"name": "Kiosk", "dimensions": [
        ...     {"name": "ease", "items": [4, 5, 6, 22]}]}).item_codes
        ('4', '5', '6', '22')
        """

        def bad(where: str, what: str) -> InstrumentError:
            return InstrumentError(f"Instrument spec {where}: {what}")

        def integer(value: Any, where: str) -> int:
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise bad(where, f"{value!r} is not a whole number.")
            try:
                number = float(value)
            except ValueError:
                raise bad(where, f"{value!r} is not a whole number.") from None
            if not number.is_integer():
                raise bad(where, f"{value!r} is not a whole number.")
            return int(number)

        def text(value: Any, where: str) -> str:
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                raise bad(where, f"must be text, got {value!r}.")
            return str(value)

        if not isinstance(spec, Mapping):
            raise InstrumentError(
                f"An instrument spec must be a mapping, got {type(spec).__name__}."
            )
        if "dimensions" not in spec:
            raise InstrumentError("Instrument spec is missing the key 'dimensions'.")
        raw_dims = spec["dimensions"]
        if isinstance(raw_dims, str | Mapping) or not isinstance(raw_dims, Sequence):
            raise InstrumentError(
                "Instrument spec 'dimensions' must be a list of dimensions, got "
                f"{type(raw_dims).__name__}."
            )
        counter = 0
        dims = []
        seen: dict[tuple[str, Any], str] = {}  # (number|code, value) → path of its item
        for k, d in enumerate(raw_dims):
            here = f"dimensions[{k}]"
            if not isinstance(d, Mapping):
                raise bad(
                    here, f"Each dimension must be a mapping with 'name' and 'items', got {d!r}."
                )
            for key in ("name", "items"):
                if key not in d:
                    raise bad(here, f"is missing the key {key!r}.")
            name = text(d["name"], f"{here}.name")
            raw_items = d["items"]
            if isinstance(raw_items, str | Mapping) or not isinstance(raw_items, Sequence):
                raise bad(
                    f"{here}.items",
                    f"(dimension {name!r}) 'items' must be a list of item texts, numbers or "
                    f"mappings, got {raw_items!r}.",
                )
            items = []
            for j, raw in enumerate(raw_items):
                at = f"{here}.items[{j}]"
                counter += 1
                if isinstance(raw, str):
                    raw = {"text": raw}
                elif isinstance(raw, int) and not isinstance(raw, bool):
                    raw = {"number": raw}
                if not isinstance(raw, Mapping):
                    raise bad(
                        at,
                        f"(dimension {name!r}) is {raw!r}; give each item as its text (a "
                        "string), its number (an int) or a mapping with 'text', 'code', "
                        "'number' ...",
                    )
                number = integer(raw.get("number", counter), f"{at}.number")
                reverse = raw.get("reverse", False)
                if reverse in (0, 1) and not isinstance(reverse, float):
                    reverse = bool(reverse)
                if not isinstance(reverse, bool):
                    raise bad(f"{at}.reverse", f"must be true or false, got {reverse!r}.")
                item_spec = raw.get("spec")
                if item_spec is not None and (
                    isinstance(item_spec, bool) or not isinstance(item_spec, int | float)
                ):
                    raise bad(f"{at}.spec", f"must be a number, got {item_spec!r}.")
                code = text(raw.get("code", number), f"{at}.code")
                checks: tuple[tuple[str, Any], ...] = (("number", number), ("code", code))
                for what, key in checks:
                    if (what, key) in seen:
                        raise bad(
                            at,
                            f"item {what} {key!r} is already used by {seen[(what, key)]}; "
                            "each item needs its own number and code.",
                        )
                    seen[(what, key)] = at
                items.append(
                    Item(
                        code=code,
                        number=number,
                        text=text(raw.get("text", ""), f"{at}.text"),
                        reverse=reverse,
                        spec=None if item_spec is None else float(item_spec),
                    )
                )
            try:
                dims.append(
                    Dimension(
                        name=name,
                        items=tuple(items),
                        label=text(d.get("label", ""), f"{here}.label"),
                        role=d.get("role", "quality"),
                    )
                )
            except InstrumentError as exc:
                raise bad(here, str(exc)) from None
        sc = spec.get("scale", {}) or {}
        if not isinstance(sc, Mapping):
            raise bad("scale", f"must be a mapping with 'low' and 'high', got {sc!r}.")
        for key in ("low", "high"):
            v = sc.get(key, 1 if key == "low" else 7)
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise bad(f"scale.{key}", f"must be a number, got {v!r}.")
        anchors = sc.get("anchors", ("Strongly disagree", "Strongly agree"))
        if isinstance(anchors, str) or not isinstance(anchors, Sequence) or len(anchors) != 2:
            raise bad("scale.anchors", f"must be two labels (lowest, highest), got {anchors!r}.")
        try:
            scale = Scale(low=sc.get("low", 1), high=sc.get("high", 7), anchors=tuple(anchors))
        except InstrumentError as exc:
            raise bad("scale", str(exc)) from None
        ratings = spec.get("ratings", ("E", "P"))
        if isinstance(ratings, str) or not isinstance(ratings, Sequence):
            raise bad(
                "ratings", f"must be a list of rating letters such as ['E', 'P'], got {ratings!r}."
            )
        for j, r in enumerate(ratings):
            if not isinstance(r, str):
                raise bad(f"ratings[{j}]", f"must be a rating letter {list(RATINGS)}, got {r!r}.")
        weights = spec.get("weights")
        if weights is not None:
            if not isinstance(weights, Mapping):
                raise bad("weights", f"must map dimension names to points, got {weights!r}.")
            for key, v in weights.items():
                if isinstance(v, bool) or not isinstance(v, int | float):
                    raise bad(f"weights[{key!r}]", f"must be a number, got {v!r}.")
        reference = spec.get("reference")
        if reference is not None and not isinstance(reference, str):
            raise bad("reference", f"must be a reference name such as 'E', got {reference!r}.")
        perspective = spec.get("perspective", "expectations")
        if not isinstance(perspective, str):
            raise bad("perspective", f"must be a perspective name, got {perspective!r}.")
        return cls(
            name=text(spec.get("name", "Custom instrument"), "name"),
            dimensions=tuple(dims),
            scale=scale,
            ratings=tuple(ratings),
            perspective=perspective,  # type: ignore[arg-type]
            reference=reference,
            weights=weights,
            description=text(spec.get("description", ""), "description"),
            citation=text(spec.get("citation", ""), "citation"),
        )

    @classmethod
    def from_file(cls, path: str | Path) -> Instrument:
        """Read an instrument from a JSON or YAML file (YAML needs PyYAML)."""
        p = Path(path)
        if not p.exists():
            raise InstrumentError(f"Instrument file {str(p)!r} does not exist.")
        if p.is_dir():
            raise InstrumentError(
                f"Instrument file {str(p)!r} is a directory; pass the .json/.yaml file."
            )
        try:
            text = p.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InstrumentError(
                f"{p.name} is not UTF-8 text ({exc.reason} at byte {exc.start}); save the "
                "instrument file as UTF-8."
            ) from None
        except OSError as exc:
            raise InstrumentError(f"Cannot read {p.name}: {exc.strerror}.") from None
        if p.suffix.lower() in (".yaml", ".yml"):
            try:
                import yaml
            except ImportError:  # pragma: no cover - depends on environment
                raise InstrumentError(
                    "Reading YAML instruments needs PyYAML: pip install 'servqual[yaml]'."
                ) from None
            try:
                data = yaml.safe_load(text)  # safe: !!python tags are refused
            except yaml.YAMLError as exc:
                detail = " ".join(str(exc).split())
                raise InstrumentError(
                    f"{p.name} is not a valid YAML instrument: {detail}. Tags such as "
                    "!!python/... are not allowed."
                    if "python" in detail
                    else f"{p.name} is not valid YAML: {detail}."
                ) from None
        else:
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InstrumentError(f"{p.name} is not valid JSON: {exc}.") from None
        return cls.from_dict(data)

    def to_json(self, path: str | Path | None = None) -> str:
        """Serialise to JSON; also write it to ``path`` when given."""
        text = json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    # -- questionnaire rendering ---------------------------------------------------
    def _question_columns(self) -> list[tuple[str, str]]:
        prompts = {
            "E": "Expected",
            "P": "Perceived",
            "A": "Adequate (minimum)",
            "D": "Desired",
            "C": "Best competitor",
            "I": "Importance",
        }
        return [(r, prompts[r]) for r in self.ratings]

    def to_markdown(self) -> str:
        """Render the questionnaire as Markdown, ready to field.

        Examples
        --------
        >>> import servqual as sq
        >>> print(sq.instruments.servqual22().to_markdown().splitlines()[0])
        # SERVQUAL-22
        """
        lines = [f"# {self.name}", ""]
        if self.description:
            lines += [self.description, ""]
        lo, hi = self.scale.anchors
        lines.append(
            f"Rate each statement on a {self.scale.points}-point scale from "
            f"{self.scale.low} = {lo} to {self.scale.high} = {hi}."
        )
        lines.append("")
        cols = self._question_columns()
        for d in self.dimensions:
            lines += [f"## {d.label}", ""]
            header = "| No. | Statement | " + " | ".join(c for _, c in cols) + " |"
            if self.perspective == "conformance":
                header = header[:-1] + "| Standard |"
            lines.append(header)
            lines.append("|" + "---|" * (header.count("|") - 1))
            for i in d.items:
                text = i.text + (" *(reverse-keyed)*" if i.reverse else "")
                row = f"| {i.number} | {text} | " + " | ".join("" for _ in cols) + " |"
                if self.perspective == "conformance":
                    row = row[:-1] + f"| ≥ {i.spec:g} |"
                lines.append(row)
            lines.append("")
        if self.citation:
            lines += [f"*Source: {self.citation}*", ""]
        return "\n".join(lines)

    def to_html(self) -> str:
        """Render the questionnaire as a self-contained HTML fragment."""
        cols = self._question_columns()
        out = [f"<h1>{html.escape(self.name)}</h1>"]
        if self.description:
            out.append(f"<p>{html.escape(self.description)}</p>")
        lo, hi = self.scale.anchors
        out.append(
            f"<p>Rate each statement from {self.scale.low} = {html.escape(lo)} to "
            f"{self.scale.high} = {html.escape(hi)}.</p>"
        )
        for d in self.dimensions:
            out.append(f"<h2>{html.escape(d.label)}</h2><table><thead><tr><th>No.</th>")
            out.append("<th>Statement</th>" + "".join(f"<th>{c}</th>" for _, c in cols))
            out.append("</tr></thead><tbody>")
            for i in d.items:
                out.append(
                    f"<tr><td>{i.number}</td><td>{html.escape(i.text)}</td>"
                    + "".join("<td></td>" for _ in cols)
                    + "</tr>"
                )
            out.append("</tbody></table>")
        return "\n".join(out)

    def __str__(self) -> str:
        dims = ", ".join(f"{d.name} ({len(d.items)})" for d in self.dimensions)
        return (
            f"Instrument {self.name!r} · {self.perspective} · ratings {'/'.join(self.ratings)} · "
            f"{self.scale} · {self.n_items} items: {dims}"
        )


# ---------------------------------------------------------------------------------
# Built-in instruments. Item texts are our own paraphrases of the published
# constructs, not the copyrighted wording.
# ---------------------------------------------------------------------------------
_SERVQUAL_ITEMS: dict[str, list[tuple[str, str]]] = {
    "tangibles": [
        ("TAN1", "The firm's equipment looks up to date."),
        ("TAN2", "The firm's buildings and rooms are attractive to look at."),
        ("TAN3", "Staff look neat and professional."),
        ("TAN4", "Brochures, statements and other materials look appealing."),
    ],
    "reliability": [
        ("REL1", "When the firm promises something by a certain time, it does it."),
        ("REL2", "When a customer has a problem, the firm genuinely tries to solve it."),
        ("REL3", "The firm gets the service right the first time."),
        ("REL4", "The firm delivers its services at the time it promised."),
        ("REL5", "The firm keeps its records free of errors."),
    ],
    "responsiveness": [
        ("RES1", "Staff tell customers exactly when a service will be done."),
        ("RES2", "Staff serve customers promptly."),
        ("RES3", "Staff are always willing to help customers."),
        ("RES4", "Staff are never too busy to answer a customer's request."),
    ],
    "assurance": [
        ("ASS1", "Staff behave in a way that gives customers confidence."),
        ("ASS2", "Customers feel safe in their dealings with the firm."),
        ("ASS3", "Staff are courteous to customers at all times."),
        ("ASS4", "Staff know enough to answer customers' questions."),
    ],
    "empathy": [
        ("EMP1", "The firm gives each customer individual attention."),
        ("EMP2", "Opening hours suit all of its customers."),
        ("EMP3", "Staff give customers personal attention."),
        ("EMP4", "The firm has its customers' best interests at heart."),
        ("EMP5", "Staff understand the specific needs of their customers."),
    ],
}

_CITATION_SERVQUAL = (
    "Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1988). SERVQUAL: A multiple-item "
    "scale for measuring consumer perceptions of service quality. Journal of Retailing, "
    "64(1), 12-40; revised in Journal of Retailing 67(4), 1991."
)


def _servqual_dimensions() -> tuple[Dimension, ...]:
    number = 0
    dims = []
    for name, items in _SERVQUAL_ITEMS.items():
        built = []
        for code, text in items:
            number += 1
            built.append(Item(code=code, number=number, text=text))
        dims.append(Dimension(name=name, items=tuple(built)))
    return tuple(dims)


def servqual22(weights: Mapping[str, float] | None = None) -> Instrument:
    """SERVQUAL, 22 items in 5 dimensions, answered for expectation and perception.

    Tangibles 1–4, reliability 5–9, responsiveness 10–13, assurance 14–17 and
    empathy 18–22 on a 7-point agreement scale; gap = P − E.

    Parameters
    ----------
    weights : mapping, optional
        Importance weights per dimension (100 points) for weighted gap scores.

    References
    ----------
    Parasuraman, Zeithaml & Berry (1988, 1991).

    Examples
    --------
    >>> import servqual as sq
    >>> sq.instruments.servqual22().model["tangibles"]
    ['TAN1', 'TAN2', 'TAN3', 'TAN4']
    """
    return Instrument(
        name="SERVQUAL-22",
        dimensions=_servqual_dimensions(),
        scale=Scale(1, 7),
        ratings=("E", "P"),
        perspective="expectations",
        weights=weights,
        description=(
            "For each statement, first rate what you expect from an excellent firm of this "
            "kind (Expected), then how this firm performs (Perceived)."
        ),
        citation=_CITATION_SERVQUAL,
    )


def servqual_zot(weights: Mapping[str, float] | None = None) -> Instrument:
    """Three-column SERVQUAL: adequate, desired and perceived service (zone of tolerance).

    The zone of tolerance lies between the adequate (minimum acceptable) and the
    desired level. Measure of service adequacy MSA = P − A (the default reference);
    measure of service superiority MSS = P − D.

    References
    ----------
    Parasuraman, A., Zeithaml, V. A., & Berry, L. L. (1994). Alternative scales for
    measuring service quality: a comparative assessment based on psychometric and
    diagnostic criteria. Journal of Retailing, 70(3), 201-230.
    """
    return Instrument(
        name="SERVQUAL-ZOT",
        dimensions=_servqual_dimensions(),
        scale=Scale(1, 9, ("Low", "High")),
        ratings=("A", "D", "P"),
        perspective="expectations",
        reference="A",
        weights=weights,
        description=(
            "For each statement rate the minimum service level you find adequate, the level "
            "you desire, and the level this firm delivers (1 = low, 9 = high)."
        ),
        citation=("Parasuraman, Zeithaml & Berry (1994). Journal of Retailing, 70(3), 201-230."),
    )


def servperf22() -> Instrument:
    """SERVPERF: the 22 SERVQUAL items, perception only (no reference, no gap).

    References
    ----------
    Cronin, J. J., & Taylor, S. A. (1992). Measuring service quality: a reexamination
    and extension. Journal of Marketing, 56(3), 55-68.
    """
    return Instrument(
        name="SERVPERF-22",
        dimensions=_servqual_dimensions(),
        scale=Scale(1, 7),
        ratings=("P",),
        perspective="performance",
        description="Rate how this firm performs on each statement.",
        citation="Cronin & Taylor (1992). Journal of Marketing, 56(3), 55-68.",
    )


def excellence() -> Instrument:
    """Excellence perspective: perceived performance against the ideal and the best rival.

    Each SERVQUAL item is rated for the ideal level (``D``), this firm (``P``) and the
    best competitor the respondent knows (``C``). The default gap is P − D
    (distance to excellence); ``reference="C"`` gives the gap to the best competitor and
    ``reference="max"`` the distance to the top of the scale.

    References
    ----------
    Reeves, C. A., & Bednar, D. A. (1994). Defining quality: alternatives and
    implications. Academy of Management Review, 19(3), 419-445.
    """
    return Instrument(
        name="Excellence-22",
        dimensions=_servqual_dimensions(),
        scale=Scale(1, 7),
        ratings=("D", "P", "C"),
        perspective="excellence",
        reference="D",
        description=(
            "Rate each statement for an ideal firm (Desired), for this firm (Perceived) and "
            "for the best firm of this kind you know (Best competitor)."
        ),
        citation="Reeves & Bednar (1994). Academy of Management Review, 19(3), 419-445.",
    )


_CARE_STANDARDS = [
    ("information", "INF1", "When a promise cannot be kept, we were told in good time.", 6.0),
    ("information", "INF2", "Bills and receipts were easy to understand.", 6.0),
    ("after_sales", "AFT1", "After-sales and repair service was correct and complete.", 6.0),
    ("after_sales", "AFT2", "Returning a product was easy and fair.", 5.0),
    ("premises", "PRE1", "The premises were clean and tidy.", 6.0),
    ("staff", "STA1", "Staff were friendly even at busy times.", 6.0),
    ("staff", "STA2", "Staff gave me advice suited to my needs when I was deciding.", 5.0),
    ("complaints", "COM1", "My complaint was answered within one week.", 6.0),
]


def conformance() -> Instrument:
    """Conformance perspective: retail customer-care standards with a target per item.

    Eight standards (timely information, understandable billing, correct after-sales
    service, fair returns, clean premises, friendly service at peak times, individual
    advice, complaints answered within a week), each rated for perception on a 1–7
    agreement scale with the firm's specification (the minimum mean rating it has
    committed to). Gap = P − spec; results also give the share of respondents meeting
    the specification.

    References
    ----------
    Reeves & Bednar (1994); Crosby, P. B. (1979). Quality is free. McGraw-Hill.
    """
    dims: dict[str, list[Item]] = {}
    for n, (dim, code, text, spec) in enumerate(_CARE_STANDARDS, start=1):
        dims.setdefault(dim, []).append(Item(code=code, number=n, text=text, spec=spec))
    return Instrument(
        name="Retail care standards",
        dimensions=tuple(Dimension(name=k, items=tuple(v)) for k, v in dims.items()),
        scale=Scale(1, 7),
        ratings=("P",),
        perspective="conformance",
        description="How far do you agree with each statement about your last visit?",
        citation="Reeves & Bednar (1994); Crosby (1979).",
    )


def value() -> Instrument:
    """Value perspective: perceived quality against perceived sacrifice.

    Quality items (the SERVQUAL dimensions, shortened to two items each) and
    sacrifice items (price, effort, time) on a 1–7 scale, plus outcome items (value
    for money, willingness to pay more). Gap = quality − sacrifice, the value index
    (Zeithaml, 1988: value as the trade-off between what is received and what is given).

    References
    ----------
    Zeithaml, V. A. (1988). Consumer perceptions of price, quality, and value.
    Journal of Marketing, 52(3), 2-22.
    """
    spec = [
        (
            "service_quality",
            "quality",
            [
                ("QUA1", "The service works reliably."),
                ("QUA2", "Staff respond quickly to my requests."),
                ("QUA3", "Staff are competent and trustworthy."),
                ("QUA4", "I am treated as an individual."),
            ],
        ),
        (
            "sacrifice",
            "sacrifice",
            [
                ("SAC1", "The price of this service is high."),
                ("SAC2", "Using this service takes a lot of my time."),
                ("SAC3", "Using this service takes a lot of effort."),
            ],
        ),
        (
            "value_outcomes",
            "outcome",
            [
                ("VAL1", "This service is good value for money."),
                ("WTP1", "I would pay more to keep this level of service."),
            ],
        ),
    ]
    number = 0
    dims = []
    for name, role, items in spec:
        built = []
        for code, text in items:
            number += 1
            built.append(Item(code=code, number=number, text=text))
        dims.append(Dimension(name=name, items=tuple(built), role=role))  # type: ignore[arg-type]
    return Instrument(
        name="Value",
        dimensions=tuple(dims),
        scale=Scale(1, 7),
        ratings=("P",),
        perspective="value",
        description="How far do you agree with each statement?",
        citation="Zeithaml (1988). Journal of Marketing, 52(3), 2-22.",
    )


_BUILTINS = {
    "servqual22": servqual22,
    "servqual_zot": servqual_zot,
    "servperf22": servperf22,
    "excellence": excellence,
    "conformance": conformance,
    "value": value,
}


def list_instruments() -> list[str]:
    """Names of the built-in instruments accepted by :func:`get`."""
    return list(_BUILTINS)


def get(name: str | Instrument) -> Instrument:
    """Return a built-in instrument by name, or read one from a JSON/YAML path.

    Examples
    --------
    >>> import servqual as sq
    >>> sq.instruments.get("servperf22").ratings
    ('P',)
    """
    if isinstance(name, Instrument):
        return name
    key = str(name).lower().replace("-", "_")
    if key in _BUILTINS:
        return _BUILTINS[key]()
    path = Path(str(name))
    if path.suffix.lower() in (".json", ".yaml", ".yml"):
        return Instrument.from_file(path)
    raise InstrumentError(
        f"Unknown instrument {name!r}; built-ins are {list_instruments()}, or pass a path "
        "to a .json/.yaml file."
    )


def _as_instrument(obj: Instrument | str | Mapping[str, Any] | Sequence[Any]) -> Instrument:
    if isinstance(obj, Instrument):
        return obj
    if isinstance(obj, str):
        return get(obj)
    if isinstance(obj, Mapping):
        return Instrument.from_dict(obj)
    raise InstrumentError(
        f"Expected an Instrument, a built-in name or a dict, got {type(obj).__name__}."
    )
