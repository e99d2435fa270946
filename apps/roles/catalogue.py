"""
The catalogue of role types in the register, and of the access packages and
roles that Taushet hands out. Loaded by a data migration, and again by
catalogue_load() wherever a database starts empty (tests that flush).
"""

# code, Bokmål, English, key role (R1)
REGISTER_ROLE_TYPES = [
    ("DAGL", "Daglig leder", "General manager", True),
    ("LEDE", "Styrets leder", "Chair of the board", True),
    ("INNH", "Innehaver", "Sole proprietor", True),
    ("BEST", "Bestyrende reder", "Managing shipowner", True),
    (
        "DTSO",
        "Deltaker med solidarisk ansvar",
        "Partner with unlimited liability",
        True,
    ),
    ("DTPR", "Deltaker med delt ansvar", "Partner with limited liability", True),
    (
        "REPR",
        "Norsk representant for utenlandsk enhet",
        "Norwegian representative",
        True,
    ),
    ("NEST", "Nestleder", "Deputy chair", False),
    ("MEDL", "Styremedlem", "Board member", False),
    ("VARA", "Varamedlem", "Deputy board member", False),
    ("OBS", "Observatør", "Observer", False),
    ("KONT", "Kontaktperson", "Contact person", False),
    ("REVI", "Revisor", "Auditor", False),
    ("REGN", "Regnskapsfører", "Accountant", False),
    ("FFØR", "Forretningsfører", "Business manager", False),
    ("KOMP", "Komplementar", "General partner", False),
    ("PROK", "Prokura", "Procuration", False),
    ("POFE", "Prokura hver for seg", "Procuration severally", False),
    ("POHV", "Prokura i fellesskap", "Procuration jointly", False),
    ("SIGN", "Signatur", "Signature", False),
]

# code, kind, Bokmål, English, confidential, Bokmål text, English text
RIGHTS = [
    (
        "mail-archive",
        "package",
        "Post/arkiv",
        "Mail/Archive",
        False,
        "Gir tilgang til ordinær post til virksomheten. Nøkkelroller har den "
        "automatisk.",
        "Opens the organisation's ordinary mail. Key roles hold it automatically.",
    ),
    (
        "mail-confidential",
        "package",
        "Post med taushetsbelagt innhold",
        "Mail with confidential content",
        True,
        "Gir tilgang til taushetsbelagt post på alle tjenester som godtar denne "
        "pakken. Ingen får den automatisk, heller ikke nøkkelroller.",
        "Opens confidential mail on every service that accepts this package. "
        "Nobody holds it automatically, not even key roles.",
    ),
    (
        "main-administrator",
        "role",
        "Hovedadministrator",
        "Main Administrator",
        False,
        "Kan gi og fjerne alle rettigheter virksomheten har, også til seg selv. "
        "Nøkkelroller er hovedadministratorer automatisk.",
        "Can grant and revoke every right of the organisation, to themself "
        "too. Key roles are Main Administrators automatically.",
    ),
    (
        "access-manager",
        "role",
        "Tilgangsstyrer",
        "Access manager",
        False,
        "Kan gi videre de rettighetene hen selv har.",
        "Can pass on the rights they hold themself.",
    ),
]


def catalogue_load(*, role_types, rights):
    """Create or update the catalogue, given the two models to write to."""
    for code, name_nb, name_en, is_key_role in REGISTER_ROLE_TYPES:
        role_types.objects.update_or_create(
            code=code,
            defaults={
                "name_nb": name_nb,
                "name_en": name_en,
                "is_key_role": is_key_role,
            },
        )
    for code, kind, name_nb, name_en, confidential, text_nb, text_en in RIGHTS:
        rights.objects.update_or_create(
            code=code,
            defaults={
                "kind": kind,
                "name_nb": name_nb,
                "name_en": name_en,
                "is_confidential": confidential,
                "description_nb": text_nb,
                "description_en": text_en,
            },
        )
