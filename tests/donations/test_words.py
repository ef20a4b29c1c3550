"""Amounts in figures and in German words, as the receipt prints them (Decimal, never float)."""

from decimal import Decimal

import pytest

from donations.words import amount_in_words, euro


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1322", "eintausenddreihundertzweiundzwanzig Euro"),
        ("1322.50", "eintausenddreihundertzweiundzwanzig Euro und fünfzig Cent"),
        ("1", "ein Euro"),
        ("101.01", "einhundertein Euro und ein Cent"),
        ("21.21", "einundzwanzig Euro und einundzwanzig Cent"),
        ("0.99", "neunundneunzig Cent"),
        ("300", "dreihundert Euro"),
        ("1000000", "eine Million Euro"),
        (
            "9999999.99",
            "neun Millionen neunhundertneunundneunzigtausendneunhundertneunundneunzig"
            " Euro und neunundneunzig Cent",
        ),
    ],
)
def test_amounts_in_german_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize(
    ("amount", "figures"),
    [
        ("1322.5", "1.322,50 €"),
        ("0.1", "0,10 €"),
        ("1234567.89", "1.234.567,89 €"),
        ("300", "300,00 €"),
    ],
)
def test_amounts_in_german_figures(amount, figures):
    assert euro(Decimal(amount)) == figures


def test_floats_are_refused_so_that_no_binary_rounding_reaches_a_receipt():
    with pytest.raises(TypeError):
        amount_in_words(0.1 + 0.2)
    with pytest.raises(TypeError):
        euro(1322.5)
