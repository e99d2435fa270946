"""
The demo world: organisations, people and their roles in the register.

Every number is valid. Organisation numbers are made from fixed prefixes,
and national identity numbers are synthetic (the month plus 80), so none of
them belongs to anyone.
"""

# key, first seven digits of the organisation number, name, form
ORGANIZATIONS = [
    ("solsikken", "9100001", "Solsikken barnehage AS", "AS"),
    ("fjordbakst", "9100002", "Fjord & Bakst ANS", "ANS"),
    ("evas", "9100003", "Evas Hårstudio", "ENK"),
    ("nordlys", "9100004", "Nordlys Shipping Ltd NUF", "NUF"),
    ("holding", "9100005", "Holmen Holding AS", "AS"),
    ("eiendom", "9100006", "Holmen Eiendom AS", "AS"),
    ("barnevern", "9100007", "Solbakken kommune barneverntjeneste", "KOMM"),
    ("politi", "9100008", "Vest politidistrikt", "ORGL"),
]

# login, first name, last name, birth date (ddmmyy)
PEOPLE = [
    ("kari", "Kari", "Nordmann", "150380"),
    ("ola", "Ola", "Nordmann", "020275"),
    ("nora", "Nora", "Berg", "110992"),
    ("per", "Per", "Hansen", "230468"),
    ("siri", "Siri", "Lie", "300171"),
    ("eva", "Eva", "Dahl", "070885"),
    ("jon", "Jon", "Bakke", "141163"),
    ("caseworker", "Camilla", "Sæther", "250988"),
    ("police", "Petter", "Moen", "190379"),
]

# organisation, role code, holder (a login, or "org:<key>")
REGISTER_ROLES = [
    ("solsikken", "DAGL", "kari"),
    ("solsikken", "LEDE", "ola"),
    ("fjordbakst", "DTSO", "per"),
    ("fjordbakst", "DTPR", "siri"),
    ("evas", "INNH", "eva"),
    ("nordlys", "REPR", "jon"),
    ("eiendom", "DAGL", "org:holding"),
]

# agency, code, Bokmål, English, confidential
SERVICES = [
    (
        "barnevern",
        "barnevern-bekymring",
        "Barnevern – taushetsbelagt oppfølging",
        "Child welfare – confidential follow-up",
        True,
    ),
    (
        "barnevern",
        "barnevern-informasjon",
        "Barnevern – informasjon til samarbeidspartnere",
        "Child welfare – information to partners",
        False,
    ),
    (
        "politi",
        "politi-taushetsbelagt",
        "Politiet – taushetsbelagt henvendelse",
        "Police – confidential enquiry",
        True,
    ),
    (
        "politi",
        "politi-politiattest",
        "Politiet – politiattest",
        "Police – police certificate",
        False,
    ),
]

# login, agency: the caseworkers, who may send on all the agency's services
SENDERS = [("caseworker", "barnevern"), ("police", "politi")]

# What each login should see, printed by seed_demo.
EXPECTATIONS = {
    "kari": "DAGL of Solsikken barnehage AS: Main Administrator, reads its "
    "ordinary mail; its confidential mail only after granting herself "
    "access on /access/.",
    "ola": "LEDE of Solsikken barnehage AS: Main Administrator, ordinary mail only.",
    "nora": "Employee of Solsikken barnehage AS with no role: no "
    "organisation to act for until kari grants her something.",
    "per": "DTSO of Fjord & Bakst ANS: Main Administrator, ordinary mail.",
    "siri": "DTPR of Fjord & Bakst ANS: Main Administrator, ordinary mail.",
    "eva": "Sole proprietor of Evas Hårstudio: Main Administrator, ordinary mail.",
    "jon": "Norwegian representative of Nordlys Shipping Ltd NUF: Main "
    "Administrator, ordinary mail.",
    "caseworker": "Caseworker at Solbakken kommune barneverntjeneste: sends "
    "on its confidential and ordinary service.",
    "police": "Caseworker at Vest politidistrikt: sends on its confidential "
    "and ordinary service.",
    "operator": "Operator (superuser): the Django admin at /admin/, metadata "
    "only; reads no confidential mail.",
}

# agency, service, recipient, sender's reference, title, summary, body
MESSAGES = [
    (
        "barnevern",
        "barnevern-bekymring",
        "solsikken",
        "BV-2026-0417",
        "Sak 2026/0417 – til pedagogisk leder på avdeling Blåklokke",
        "Oppfølging etter møtet 24. november.",
        "Hei,\n\nTakk for møtet. Barneverntjenesten følger opp saken vi "
        "snakket om, og ber om at barnehagen **noterer fravær** fram til "
        "neste møte.\n\nMed vennlig hilsen\nSaksbehandler, barneverntjenesten",
    ),
    (
        "barnevern",
        "barnevern-informasjon",
        "solsikken",
        "BV-INFO-12",
        "Samarbeidsmøte for barnehager i januar",
        "Invitasjon til felles samarbeidsmøte.",
        "Barneverntjenesten inviterer alle barnehager i kommunen til "
        "samarbeidsmøte **15. januar kl. 09.00** i rådhuset.\n\n"
        "Se [kommunens nettside](https://www.example.no/samarbeid).",
    ),
    (
        "politi",
        "politi-politiattest",
        "fjordbakst",
        "PA-2026-88121",
        "Politiattest for ansatt – svar på søknad",
        "Politiattesten er behandlet.",
        "Søknaden om politiattest er behandlet. Attesten sendes til den ansatte selv.",
    ),
    (
        "politi",
        "politi-taushetsbelagt",
        "fjordbakst",
        "VPD-2026-3310",
        "Sak 2026/3310 – til daglig leder",
        "Forespørsel om opplysninger.",
        "Politiet ber om opplysninger i en sak. Ta kontakt med "
        "etterforsker på telefon 55 00 00 00.",
    ),
]

# organisation, channel, address: where agencies' notifications go
NOTIFICATION_ADDRESSES = [
    ("solsikken", "email", "post@solsikken.example.no"),
    ("solsikken", "sms", "+4791234567"),
    ("fjordbakst", "email", "post@fjordbakst.example.no"),
    ("evas", "sms", "+4741234567"),
]
