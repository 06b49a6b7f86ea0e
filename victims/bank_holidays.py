"""England and Wales bank holidays, 2024 to 2028.

Kept in the code, never fetched at run time (the service must work offline and
a deadline must not change because a web page did). Source: the GOV.UK list of
UK bank holidays (www.gov.uk/bank-holidays, "England and Wales"), with the
substitute days where a holiday falls at a weekend. Extend the list before
2029: `test_the_list_covers_the_years_in_use` fails when it runs out.
"""

from datetime import date

FIRST_YEAR = 2024
LAST_YEAR = 2028

ENGLAND_AND_WALES: frozenset[date] = frozenset(
    {
        # 2024
        date(2024, 1, 1),  # New Year's Day
        date(2024, 3, 29),  # Good Friday
        date(2024, 4, 1),  # Easter Monday
        date(2024, 5, 6),  # Early May bank holiday
        date(2024, 5, 27),  # Spring bank holiday
        date(2024, 8, 26),  # Summer bank holiday
        date(2024, 12, 25),  # Christmas Day
        date(2024, 12, 26),  # Boxing Day
        # 2025
        date(2025, 1, 1),
        date(2025, 4, 18),
        date(2025, 4, 21),
        date(2025, 5, 5),
        date(2025, 5, 26),
        date(2025, 8, 25),
        date(2025, 12, 25),
        date(2025, 12, 26),
        # 2026
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),  # Boxing Day (substitute day: 26th is a Saturday)
        # 2027
        date(2027, 1, 1),
        date(2027, 3, 26),
        date(2027, 3, 29),
        date(2027, 5, 3),
        date(2027, 5, 31),
        date(2027, 8, 30),
        date(2027, 12, 27),  # Christmas Day (substitute day)
        date(2027, 12, 28),  # Boxing Day (substitute day)
        # 2028
        date(2028, 1, 3),  # New Year's Day (substitute day)
        date(2028, 4, 14),
        date(2028, 4, 17),
        date(2028, 5, 1),
        date(2028, 5, 29),
        date(2028, 8, 28),
        date(2028, 12, 25),
        date(2028, 12, 26),
    }
)
