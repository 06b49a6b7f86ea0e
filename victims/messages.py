"""Every error message of the victims app, in plain English (GOV.UK style).

Forms, services and tests share these constants; tests assert them exactly.
"""

# Victim
NAME_REQUIRED = "Enter the victim's name"
KIND_REQUIRED = "Select whether the victim is a person or an organisation"
RECEIVED_REQUIRED = "Enter the date the service received the victim's details"
RECEIVED_FUTURE = "The date the service received the victim's details must be today or in the past"
ENHANCED_REASON_REQUIRED = "Enter why the victim is entitled to enhanced rights"
ENHANCED_ORGANISATION = "An organisation cannot be entitled to enhanced rights"
CONTACT_DETAIL_REQUIRED = "Enter at least one way to contact the victim: address, phone or email"
BIRTH_DATE_FUTURE = "The victim's date of birth must be in the past"
BIRTH_DATE_AFTER_OFFENCE = "The victim's date of birth must be before the offence on {day}"
AGE_ORGANISATION = "An organisation has no date of birth or age: leave them empty"
BIRTH_DATE_AND_UNDER_18 = (
    "Leave “under 18 at the time of the offence” unticked when you enter the date of birth"
)
YOUNG_VICTIM_ENHANCED = (
    "A victim under 18 at the time of the offence is entitled to enhanced rights"
)
YOUNG_VICTIM_REASON = "Under 18 at the time of the offence"
REPRESENTATIVE_RELATIONSHIP_REQUIRED = "Enter their relationship to the victim"
CASE_REFERENCE_REQUIRED = "Enter the reference of the child's case"
CASE_REFERENCE_UNKNOWN = "Enter a case reference that exists, like K7K2M9QX"
CASE_ALREADY_LINKED = "The victim is already linked to this case"
CASE_WITHOUT_OFFENCE = "This case has no offence recorded: ask the case manager to record it first"

# Contact
CONTACT_DATE_REQUIRED = "Enter the date of the contact"
CONTACT_DATE_FUTURE = "The date of the contact must be today or in the past"
CONTACT_BEFORE_RECEIVED = (
    "The date of the contact must be on or after the date the service received the victim's details"
)
METHOD_REQUIRED = "Select how the contact was made"
CHOICE_REQUIRED = "Select the victim's choice about restorative justice"
DIRECT_NEEDS_CONSENT = "A direct restorative conference needs the victim's consent: record it"
CONSENT_DATE_REQUIRED = "Enter the date the victim gave consent"
CONSENT_DATE_FUTURE = "The date the victim gave consent must be today or in the past"
CONSENT_DATE_WITHOUT_CONSENT = "Remove the consent date, or record that the victim consented"
WITHDRAWAL_WITHOUT_CONSENT = "Consent can only be withdrawn after it was given"
WITHDRAWAL_FUTURE = "The date consent was withdrawn must be today or in the past"
WITHDRAWAL_BEFORE_CONSENT = (
    "The date consent was withdrawn must be on or after the date it was given"
)
WITHDRAWAL_DATE_REQUIRED = "Enter the date the victim withdrew consent"
ALREADY_WITHDRAWN = "Consent was already withdrawn"

NO_REPRESENTATIVE = (
    "No parent or guardian is recorded as acting for the victim: add them to the victim's "
    "details first"
)
SELECT_GIVEN_BY = "Select who gave the choice and consent"

# Update
UPDATE_DATE_REQUIRED = "Enter the date the update was given"
UPDATE_DATE_FUTURE = "The date the update was given must be today or in the past"
UPDATE_TEXT_REQUIRED = "Enter what the victim was told"

# Invitation decision
INVITATION_REQUIRED = "Select whether to invite the victim to take part in restorative justice"
INVITATION_REASON_REQUIRED = "Enter the reason for the decision"

# Restorative-justice work
RJ_KIND_REQUIRED = "Select the type of restorative justice"
RJ_START_REQUIRED = "Enter the date the work started"
RJ_START_FUTURE = "The date the work started must be today or in the past"
RJ_END_BEFORE_START = "The date the work ended must be on or after the date it started"
RJ_END_FUTURE = "The date the work ended must be today or in the past"
RJ_CONFERENCE_NEEDS_CONSENT = (
    "A restorative conference needs the victim's current consent: record it in a contact first"
)
RJ_NOTICE_BEFORE_END = (
    "The date the conclusion notice was given must be on or after the date the work ended"
)
RJ_NOTICE_NEEDS_END = "Enter the date the work ended before recording the conclusion notice"
RJ_NOTICE_FUTURE = "The date the conclusion notice was given must be today or in the past"
RJ_OFFENCE_REQUIRED = "Select the offence the work is about"

# Reparation
REPARATION_HOURS_REQUIRED = "Enter the number of hours of reparation"
REPARATION_HOURS_RANGE = "Hours of reparation must be between 1 and 300"
REPARATION_COMPLETED_TOO_MANY = "Hours completed cannot be more than the hours of reparation"
REPARATION_PLACEMENT_REQUIRED = "Enter the placement"
REPARATION_START_REQUIRED = "Enter the date the reparation starts"
REPARATION_END_BEFORE_START = "The date the reparation ended must be on or after it started"

# Administrators' reason
ADMIN_REASON_REQUIRED = "Enter why you need to open this victim's record"
