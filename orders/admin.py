"""Parenting orders are case content: deliberately not registered in the admin
(administrators never see case content without a logged reason; see yos/admin.py)."""
