"""How customers' emails and phones are normalized and matched (no Odoo import).

Emails: surrounding spaces are removed and the domain is lowercased (domains are case
insensitive, RFC 5321 section 2.4). The local part is stored as the customer typed it,
because RFC 5321 lets a mail server treat it as case sensitive; matching uses the
whole address lowercased (``email_key``), as Odoo's own ``email_normalized`` does,
because no mailbox provider in use distinguishes case. Provider tricks (Gmail dots,
``+tags``) are not undone: on another domain they name different mailboxes.

Phones: parsed with ``phonenumbers`` using the channel's country as the default
region (a number written with its international prefix keeps its own country) and
kept in E.164 when the number is possible for its region. A number that does not
parse is kept as sent and flagged, never dropped.
"""

import phonenumbers


def normalize_email(value):
    """The address trimmed with its domain lowercased, or None when it has no
    ``@`` between a local part and a domain."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain or " " in value:
        return None
    return f"{local}@{domain.lower()}"


def email_key(value):
    """What two addresses are compared by: the normalized address lowercased."""
    normalized = normalize_email(value)
    return normalized.lower() if normalized else None


def normalize_phone(value, region=None):
    """(E.164 number or None, the value as sent stripped). None means the number did
    not parse as a possible number of ``region`` (an ISO 3166 alpha-2 code) or of
    the country its international prefix names."""
    raw = (value or "").strip() if isinstance(value, str) else ""
    if not raw:
        return None, raw
    try:
        number = phonenumbers.parse(raw, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None, raw
    if not phonenumbers.is_possible_number(number):
        return None, raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), raw


def pick_match(email_candidates, phone_candidates):
    """Decide which existing customer an incoming one is, from the ids that share
    its email and those that share its phone: ("match", id), ("new", None) or
    ("ambiguous", sorted candidate ids).

    An email names one person more surely than a phone (a household shares a
    landline), so one email match wins when the phone agrees or matches nobody;
    it is ambiguous when the email matches several, when the phone points only to
    someone else, or (no email match) when the phone matches several."""
    emails, phones = set(email_candidates), set(phone_candidates)
    if len(emails) == 1:
        (only,) = emails
        if not phones or only in phones:
            return "match", only
        return "ambiguous", sorted(emails | phones)
    if len(emails) > 1:
        return "ambiguous", sorted(emails | phones)
    if len(phones) == 1:
        return "match", next(iter(phones))
    if len(phones) > 1:
        return "ambiguous", sorted(phones)
    return "new", None
