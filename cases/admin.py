"""Case records are deliberately not registered in the Django admin.

Administrators are staff, and the admin would show them children's, parents'
and cases' details without the logged reason PRODUCT.md requires
("never case content without a logged reason"). Case content is read and
changed only through the app's pages, which check access and log reads.
"""
