"""Japanese: one date format and one date-time format on every page, email and export.

Year/month/day with slashes and a 24-hour clock, as Japanese business documents write them.
"""

DATE_FORMAT = "Y/m/d"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "Y/m/d H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
