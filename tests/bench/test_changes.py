"""The change report's benchmark: its edits still apply to openapi.yaml, and its target is judged from the figures."""

from bench.changes import TARGET_SECONDS, _edited, goals, section
from bench.servers import REPO_ROOT


def test_the_edits_apply_to_the_spec() -> None:
    spec = (REPO_ROOT / "openapi.yaml").read_text(encoding="utf-8")
    edited = _edited(spec)
    assert "operationId: storeAsset" in edited
    assert edited.count("required: [code, msg, data]") == spec.count("required: [code, msg, data]") - 1


def test_the_target_is_judged_from_the_figures() -> None:
    figures = {"report_seconds": 6.0, "generation_seconds": 3.0, "rounds": 3, "changes": 5, "failures": 2}
    assert goals({"changes": figures}) == [
        (f"a change report in under {TARGET_SECONDS:g} s on this machine", "6.0 s", True)
    ]
    assert goals({"changes": {**figures, "report_seconds": 12.5}})[0][2] is False
    assert "| 6.0 s | 5 | 2 | 3.0 s | 2.0 |" in section({"changes": figures})


def test_a_run_without_the_measurement_has_no_goal_and_no_section() -> None:
    assert goals({}) == []
    assert section({}) == []
