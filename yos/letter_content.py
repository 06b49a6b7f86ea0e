"""What a letter says about who it is to, from and about (issue 16,
"Addressing and content"). One place, called where a letter's context is
built (yos.letters.letter_context, contracts.services._render_document), so every
letter and the contract document address, greet, reference and sign the same
way. Decisions: docs/domain-letters.md "Content".

* ``addressee`` / ``salutation``: the recorded title and name preferences
  ("Ms Donna Ashworth" on the envelope, "Dear Ms Ashworth"); with no title
  and no name to use recorded, the neutral "Dear parent or carer" — never
  "Dear Donna Ashworth".
* ``letter_number``: the letter's own number, derived from its de-duplication
  key, so the same letter always carries the same number and two letters
  never share one (the key is unique per letter).
* ``BASIS_IN_WORDS``: each orders.StatutoryBasis as a sentence
  (checked against legislation.gov.uk).
* ``PURPOSE_IN_WORDS``: why a parenting contract is offered.
* ``language_offer``: the language and interpreter line every letter and the
  contract document carry.
"""

from __future__ import annotations

import hashlib

from django.conf import settings

from yos.lib.dates import long_date  # noqa: F401 - letter_content.long_date
from yos.lib.postcodes import address_lines

NEUTRAL_SALUTATION = "Dear parent or carer"
DATE_FORMAT = "j F Y"  # the one date format of letters: 1 December 2026

# orders.StatutoryBasis values → the order's basis in words. Sources
# (legislation.gov.uk): Crime and Disorder Act 1998 s.8; Sentencing Act 2020
# s.366 (a child convicted of an offence), s.368 (a parent who failed to attend
# youth offender panel meetings), s.369 (an offence under s.443 or s.444 of the
# Education Act 1996); Anti-social Behaviour Act 2003 s.20 (exclusion, or
# potential exclusion, from school: on a local authority's application) and
# s.26 (criminal conduct and anti-social behaviour: on a youth offending
# team's application).
BASIS_IN_WORDS = {
    "cda_1998_s8": "a parenting order made under section 8 of the Crime and Disorder Act 1998",
    "sa_2020_s366": "a parenting order made under section 366 of the Sentencing Act 2020, "
    "because your child was convicted of an offence",
    "sa_2020_s368": "a parenting order made under section 368 of the Sentencing Act 2020, "
    "because you did not attend the meetings of the youth offender panel",
    "sa_2020_s369": "a parenting order made under section 369 of the Sentencing Act 2020, "
    "because of an offence about your child's attendance at school "
    "(section 443 or 444 of the Education Act 1996)",
    "asba_2003_s20": "a parenting order made under section 20 of the Anti-social Behaviour "
    "Act 2003, on the local authority's application, about your child's behaviour at school",
    "asba_2003_s26": "a parenting order made under section 26 of the Anti-social Behaviour "
    "Act 2003, on the youth offending team's application",
}

# contracts.ParentingContract.Purpose values → what the contract is to help
# improve (Anti-social Behaviour Act 2003 s.19; seed 001: "to address
# irregular attendance … They can also be used in cases where behaviour is a
# concern, and the pupil may have received suspensions").
PURPOSE_IN_WORDS = {
    "attendance": "{name}'s attendance at school",
    "behaviour": "{name}'s behaviour at school",
    "both": "{name}'s attendance and behaviour at school",
}
WHY_OFFERED = {
    "attendance": "{name} has not been attending school regularly.",
    "behaviour": "There are concerns about {name}'s behaviour at school, and {name} may have "
    "been suspended.",
    "both": "{name} has not been attending school regularly, and there are concerns about "
    "{name}'s behaviour at school (including any suspensions).",
}


def addressee(adult) -> str:
    """The name on the address block: title and full name where a title is recorded."""
    return " ".join(part for part in (adult.title, adult.first_name, adult.last_name) if part)


def salutation(adult) -> str:
    """ "Dear Ms Ashworth": the name to use in letters if recorded, else the
    title and last name, else the neutral "Dear parent or carer"."""
    if adult.letter_name.strip():
        return f"Dear {adult.letter_name.strip()}"
    if adult.title:
        return f"Dear {adult.title} {adult.last_name}"
    return NEUTRAL_SALUTATION


def letter_number(dedupe_key: str) -> str:
    """The letter's own number: L- and ten characters of the SHA-256 of its
    de-duplication key, in two groups ("L-3F9A2-C41D0")."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:10].upper()
    return f"L-{digest[:5]}-{digest[5:]}"


def basis_in_words(basis: str) -> str:
    return BASIS_IN_WORDS[basis]


def purpose_in_words(purpose: str, name: str) -> str:
    return PURPOSE_IN_WORDS[purpose].format(name=name)


def why_offered(purpose: str, name: str) -> str:
    return WHY_OFFERED[purpose].format(name=name)


def language_offer(adult, telephone: str) -> str:
    """The language and interpreter line (seed 001: "considerations made to
    ensure it is understood by parents (e.g., where they may be a language
    barrier)")."""
    free = f"please call us on {telephone} and we will arrange it free of charge."
    language = (adult.preferred_language or "").strip() if adult is not None else ""
    if adult is not None and (adult.interpreter_needed or language.lower() not in ("", "english")):
        need = " and that you need an interpreter" if adult.interpreter_needed else ""
        return (
            f"We have recorded that your preferred language is {language or 'not English'}{need}. "
            f"If you would like this letter in {language or 'your language'}, or an interpreter "
            f"for any meeting, {free}"
        )
    return "If you would like this letter in another language, or you need an interpreter, " + free


# --- Who a letter is from and who signs it ------------------------------------------


def _yos_sender() -> dict:
    head = settings.LETTERHEAD
    return {
        "name": head["organisation"],
        "service": head["service"],
        "address": list(head["address"]),
        "telephone": head["telephone"],
        "email": "",
    }


def _school_sender(contract) -> dict:
    school = contract.school
    head = settings.LETTERHEAD
    return {
        "name": school.name,
        "service": f"with {head['organisation']}" if contract.la_is_party else "",
        "address": address_lines(school.address),
        "telephone": school.telephone or head["telephone"],
        "email": school.email,
    }


def _order_signatory(order, sender: dict) -> dict:
    manager = order.child.family.case_manager
    if manager is None:
        return {
            "name": sender["service"],
            "role": "",
            "telephone": sender["telephone"],
            "email": "",
        }
    return {
        "name": manager.get_full_name() or manager.username,
        "role": "Case manager",
        "telephone": manager.phone or sender["telephone"],
        "email": manager.email,
    }


def _contract_signatory(contract, sender: dict) -> dict:
    role = "Lead practitioner"
    if contract.lead_practitioner_organisation:
        role += f", {contract.lead_practitioner_organisation}"
    return {
        "name": contract.lead_practitioner,
        "role": role,
        "telephone": sender["telephone"],
        "email": sender["email"],
    }


def _about(subject) -> dict:
    """Sender, signatory, reference and the subject's words, by what the letter is about."""
    label = subject._meta.label
    if label == "contracts.ParentingContract":
        sender = _school_sender(subject)
        name = subject.pupil.first_name
        return {
            "sender": sender,
            "signatory": _contract_signatory(subject, sender),
            "our_reference": subject.reference,
            "purpose_in_words": purpose_in_words(subject.purpose, name),
            "why_offered": why_offered(subject.purpose, name),
        }
    sender = _yos_sender()
    if label == "orders.ParentingOrder":
        return {
            "sender": sender,
            "signatory": _order_signatory(subject, sender),
            "our_reference": subject.case.reference,
            "basis_in_words": basis_in_words(subject.basis),
        }
    reference = getattr(subject, "reference", "")
    return {
        "sender": sender,
        "signatory": {"name": sender["service"], "role": "", "telephone": sender["telephone"]},
        "our_reference": reference,
    }


def letter_context(*, recipient, subject, dedupe_key: str) -> dict:
    """Everything letters/base.html needs about who the letter is to, from
    and about (added to every letter's context by yos.letters.letter_context)."""
    about = _about(subject)
    return about | {
        "addressee": addressee(recipient),
        "salutation": salutation(recipient),
        "letter_number": letter_number(dedupe_key),
        "language_offer": language_offer(recipient, about["sender"]["telephone"]),
    }


def contract_document_context(contract, parent_links) -> dict:
    """The contract document's share of the same content: every parent's own
    name and address (the document goes to each of them), the reference, the
    lead practitioner signing with the school's contact details, the purpose,
    and one language line per parent who needs it."""
    about = _about(contract)
    parties = [
        {
            "addressee": addressee(link.adult),
            "address": link.adult.postal_lines,
            "language_offer": language_offer(link.adult, about["sender"]["telephone"]),
        }
        for link in parent_links
    ]
    offers = list(dict.fromkeys(party["language_offer"] for party in parties))
    return about | {"parties": parties, "language_offers": offers}
