"""Seed the requirement catalogue with seed 001's list ("there is no official
list but may include: …"). Administrators may add more kinds later."""

from django.db import migrations

KINDS = [
    ("Punctual and regular attendance", "Measures to ensure the pupil attends school punctually and regularly"),
    ("Attending meetings", "Attending meetings with the school and/or local authority"),
    ("Taking part in support or programmes", "Accessing or taking part in the support or programmes offered"),
    ("Working with school-level support", "Working with other support given to the pupil at school (for example being on report)"),
    ("Lead practitioner", "A lead practitioner to support the family"),
    ("Referral to local authority or health services", "For example housing needs, drug and alcohol support"),
    ("Voluntary and community sector support", "For example foodbanks or community support groups"),
    ("Formal intervention", "For example family group conferencing, peer mentoring or literacy classes"),
    ("Support and advisory services", "For example benefit support"),
    ("Parenting programme", "For example a course with a set number of sessions"),
]


def add_kinds(apps, schema_editor):
    RequirementKind = apps.get_model("contracts", "RequirementKind")
    for position, (name, example) in enumerate(KINDS, start=1):
        RequirementKind.objects.update_or_create(
            name=name, defaults={"example": example, "position": position * 10}
        )


def remove_kinds(apps, schema_editor):
    RequirementKind = apps.get_model("contracts", "RequirementKind")
    RequirementKind.objects.filter(name__in=[n for n, _ in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, remove_kinds)]
