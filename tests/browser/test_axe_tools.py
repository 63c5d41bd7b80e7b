"""An accessibility check without axe-core fails the test: it never passes having checked nothing."""

import pytest

from .tools import axe_violations, serious_violations


class PageWithoutBrowser:
    """Stands for a page: nothing may be evaluated in it when axe-core cannot be loaded."""

    def evaluate(self, *args):
        raise AssertionError("nothing runs in the page without axe-core")


@pytest.mark.parametrize("check", [axe_violations, serious_violations])
def test_accessibility_checks_fail_when_axe_core_is_missing(tmp_path, check):
    with pytest.raises(pytest.fail.Exception, match="axe-core is missing"):
        check(PageWithoutBrowser(), axe=tmp_path / "node_modules" / "axe-core" / "axe.min.js")


def test_axe_is_run_when_it_is_there(tmp_path):
    axe = tmp_path / "axe.min.js"
    axe.write_text("window.axe = {};")
    evaluated = []

    class Page:
        def evaluate(self, script, *args):
            evaluated.append(script)
            return []

    assert axe_violations(Page(), axe=axe) == []
    assert evaluated[0] == "window.axe = {};", "axe-core itself is put in the page first"
    assert "axe.run" in evaluated[1]
