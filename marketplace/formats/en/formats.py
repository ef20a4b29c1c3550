# 11 December 2026 · Friday, 11 December 2026 · 11 Dec 2026 · 11 Dec 2026 17:32
# (day before month and the month in letters: no 12/11 that reads differently on each side
# of the Atlantic)
DATE_FORMAT = "j F Y"
WEEKDAY_DATE_FORMAT = "l, j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
# The availability calendar's day and month: "11" and "Dec"
CALENDAR_DAY_FORMAT = "j"
CALENDAR_MONTH_FORMAT = "M"
