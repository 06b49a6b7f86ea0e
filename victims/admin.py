"""Nothing of the victims app is registered in the Django admin, on purpose.

Administrators are staff, and the admin would show them victims' names and
contact details (and their history) without the logged reason PRODUCT.md
requires. They open a victim's record through victims:detail, which asks for
the reason and logs it (yos.access.victim_for_administrator).
"""
