"""Instruments: built-ins, custom definitions, serialisation and questionnaires."""

import json

import pytest

import servqual as sq
from servqual import instruments


def test_servqual22_structure():
    inst = instruments.servqual22()
    sizes = {d.name: len(d.items) for d in inst.dimensions}
    assert sizes == {
        "tangibles": 4,
        "reliability": 5,
        "responsiveness": 4,
        "assurance": 4,
        "empathy": 5,
    }
    assert [i.number for i in inst.items] == list(range(1, 23))
    assert inst.ratings == ("E", "P") and inst.reference == "E" and inst.scale.points == 7


@pytest.mark.parametrize("name", instruments.list_instruments())
def test_builtins_round_trip_through_dict_and_json(name, tmp_path):
    inst = instruments.get(name)
    again = sq.Instrument.from_dict(inst.to_dict())
    assert again.to_dict() == inst.to_dict()
    path = tmp_path / "inst.json"
    inst.to_json(path)
    assert sq.Instrument.from_file(path).to_dict() == inst.to_dict()
    assert instruments.get(str(path)).name == inst.name


def test_yaml_instrument(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(
        "name: Mini\nratings: [E, P]\nweights: {speed: 60, care: 40}\ndimensions:\n"
        "  - name: speed\n    items: [Fast, No queues]\n  - name: care\n    items: [Kind]\n",
        encoding="utf-8",
    )
    inst = sq.Instrument.from_file(path)
    assert inst.item_codes == ("1", "2", "3") and dict(inst.weights) == {
        "speed": 60.0,
        "care": 40.0,
    }


def test_perspective_references():
    assert instruments.servqual_zot().references == ("A", "D")
    assert instruments.excellence().references == ("D", "C", "max")
    assert instruments.conformance().references == ("spec", "max")
    assert instruments.value().references == ("sacrifice",)
    assert instruments.servperf22().references == ()


@pytest.mark.parametrize(
    "spec, match",
    [
        ({"name": "x", "dimensions": []}, "no dimensions"),
        (
            {"name": "x", "ratings": ["E", "Q"], "dimensions": [{"name": "d", "items": ["a"]}]},
            "unknown rating",
        ),
        (
            {"name": "x", "ratings": ["E"], "dimensions": [{"name": "d", "items": ["a"]}]},
            "perception",
        ),
        (
            {"name": "x", "dimensions": [{"name": "d", "items": [{"code": "A"}, {"code": "A"}]}]},
            "code 'A'",
        ),
        (
            {"name": "x", "weights": {"d": 90}, "dimensions": [{"name": "d", "items": ["a"]}]},
            "sum to 90",
        ),
        (
            {"name": "x", "weights": {"e": 100}, "dimensions": [{"name": "d", "items": ["a"]}]},
            "unknown",
        ),
        (
            {
                "name": "x",
                "ratings": ["P"],
                "perspective": "conformance",
                "dimensions": [{"name": "d", "items": ["a"]}],
            },
            "needs a spec",
        ),
        (
            {
                "name": "x",
                "ratings": ["P"],
                "perspective": "value",
                "dimensions": [{"name": "d", "items": ["a"]}],
            },
            "sacrifice",
        ),
        (
            {"name": "x", "reference": "D", "dimensions": [{"name": "d", "items": ["a"]}]},
            "cannot use reference",
        ),
        (
            {
                "name": "x",
                "scale": {"low": 5, "high": 1},
                "dimensions": [{"name": "d", "items": ["a"]}],
            },
            "greater",
        ),
        ({"name": "x"}, "missing the key 'dimensions'"),
        (
            {
                "name": "x",
                "ratings": ["P"],
                "perspective": "conformance",
                "dimensions": [{"name": "d", "items": [{"text": "a", "spec": 9}]}],
            },
            "outside the scale",
        ),
        # a string where a list belongs is not split into one item per character
        ({"name": "x", "dimensions": [{"name": "d", "items": "quick"}]}, "'items' must be a list"),
        ({"name": "x", "dimensions": "d"}, "must be a list of dimensions"),
        ({"name": "x", "dimensions": ["d"]}, "Each dimension must be a mapping"),
    ],
)
def test_bad_instruments_raise(spec, match):
    with pytest.raises(sq.InstrumentError, match=match):
        sq.Instrument.from_dict(spec)


def test_unknown_builtin_and_bad_file(tmp_path):
    with pytest.raises(sq.InstrumentError, match="Unknown instrument"):
        instruments.get("servqual99")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(sq.InstrumentError, match="not valid JSON"):
        sq.Instrument.from_file(bad)


def test_questionnaire_rendering():
    md = instruments.servqual22().to_markdown()
    assert md.count("\n| ") >= 22 + 5  # 22 item rows + a header per dimension
    assert "| Expected | Perceived |" in md
    conf = instruments.conformance().to_markdown()
    assert "≥ 6" in conf and "within one week" in conf
    html = instruments.servqual_zot().to_html()
    assert html.count("<tr><td>") == 22 and "Adequate" in html


def test_instrument_is_frozen():
    inst = instruments.servqual22()
    with pytest.raises(AttributeError):
        inst.name = "other"
    json.dumps(inst.to_dict())
