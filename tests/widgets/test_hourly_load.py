"""The load-by-hour chart of the pricing dialog: two periods as lines, discounted bookings as bars, peakiness."""

from __future__ import annotations

from widgets.hourly_load import HourlyLoadChart


def test_profiles_are_drawn_in_percent_and_the_peak_ratio_is_said(qtbot):
    chart = HourlyLoadChart()
    qtbot.addWidget(chart)
    hours = list(range(8, 12))
    chart.set_profiles(hours, [0.2, 0.9, 0.5, 0.4], [0.4, 0.6, 0.5, 0.5], [0.0, 0.1, 0.3, 0.2], "11-01–11-07",
                       "11-08–11-14")
    xs, ys = chart.after.getData()
    assert list(xs) == hours and list(ys) == [40.0, 60.0, 50.0, 50.0]
    assert list(chart.before.getData()[1]) == [20.0, 90.0, 50.0, 40.0]
    assert "11-01–11-07" in chart.legend.text() and "11-08–11-14" in chart.legend.text()
    # peak / mean: 0.9 / 0.5 = 1.80 before, 0.6 / 0.5 = 1.20 after — flatter
    assert "1.80" in chart.summary.text() and "1.20" in chart.summary.text()
