"""The « < 5 » rule and its secondary suppression: no hidden count can be computed back from the total."""

import itertools

import pytest

from osez.figures import HIDDEN, WITHHELD, period, protect, share


def shown(cells):
    return [str(c) for _label, c in cells]


def test_small_counts_are_hidden_and_a_single_hidden_cell_takes_another_with_it():
    cells, total = protect([("A", 12), ("B", 1), ("C", 8)])
    assert shown(cells) == ["12", HIDDEN, WITHHELD]  # B alone would be 21 - 12 - 8
    assert str(total) == "21"


def test_two_hidden_cells_whose_sum_is_small_take_a_third():
    cells, _total = protect([("A", 30), ("B", 1), ("C", 2), ("D", 9)])
    assert shown(cells) == ["30", HIDDEN, HIDDEN, WITHHELD]


def test_nothing_hidden_when_all_counts_are_large():
    cells, total = protect([("A", 5), ("B", 7)])
    assert shown(cells) == ["5", "7"] and str(total) == "12"


def test_a_small_total_is_hidden():
    cells, total = protect([("A", 3), ("B", 1)])
    assert str(total) == HIDDEN and shown(cells) == [HIDDEN, HIDDEN]


def test_zero_counts_are_below_five_too():
    cells, _total = protect([("janvier", 0), ("février", 9), ("mars", 7)])
    assert shown(cells) == [HIDDEN, "9", WITHHELD]  # 0 alone would be computable: the smallest other goes


@pytest.mark.parametrize("values", list(itertools.product([0, 1, 3, 5, 6, 12], repeat=3)))
def test_no_hidden_cell_can_be_computed_back(values):
    rows = [(str(i), v) for i, v in enumerate(values)]
    cells, total = protect(rows)
    hidden = [c.value for _l, c in cells if c.hidden]
    if not total.hidden:
        visible_sum = sum(c.value for _l, c in cells if not c.hidden)
        # What an outsider can compute: the sum of the hidden cells.
        assert total.value - visible_sum == sum(hidden)
        assert len(hidden) != 1
        assert not hidden or sum(hidden) >= 5
    assert all(c.hidden for _l, c in cells if c.value < 5)


def test_a_share_is_not_published_when_a_side_is_small():
    assert share(2, 3) is None
    assert share(10, 12) is None  # 2 left: small
    assert share(10, 20) == 50


def test_unknown_period_is_everything(settings):
    assert period("n'importe quoi").key == "tout"
    assert period("12m").start is not None
