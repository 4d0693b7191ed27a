"""The guard that fails `make test` when Odoo tests or browser tours did not run."""

import importlib.util
import pathlib

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "setup" / "check_test_report.py"
spec = importlib.util.spec_from_file_location("check_test_report", SCRIPT)
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)


def junit(tmp_path, cases):
    body = "".join(
        f'<testcase classname="c" name="{name}" file="{file}">{extra}</testcase>'
        for file, name, extra in cases
    )
    path = tmp_path / "junit.xml"
    path.write_text(f"<testsuites><testsuite>{body}</testsuite></testsuites>")
    return str(path)


ODOO = "retail_sync_core/tests/test_x.py"
UNIT = "tests/unit/test_x.py"


def test_complete_run_has_no_problem(tmp_path):
    report = junit(tmp_path, [(UNIT, "test_a", ""), (ODOO, "test_tour_menu", "")])
    assert check.problems(report) == []


def test_unit_tests_alone_are_not_enough(tmp_path):
    report = junit(tmp_path, [(UNIT, "test_a", "")])
    assert "no Odoo test ran" in check.problems(report)


def test_skipped_tour_fails_the_run(tmp_path):
    skipped = '<skipped message="no chrome" />'
    report = junit(tmp_path, [(ODOO, "test_b", ""), (ODOO, "test_tour_menu", skipped)])
    found = check.problems(report)
    assert "no browser tour ran" in found
    assert any("no chrome" in problem for problem in found)
