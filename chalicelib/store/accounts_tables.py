"""The accounts tables: members, phone claims, one-time codes, refresh sessions, token revocations and
login limits (the repository is store.accounts)."""

from __future__ import annotations

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.store.base import index_meta, table_meta


class PhoneIndex(GlobalSecondaryIndex["MemberRecord"]):
    Meta = index_meta("phone_index", AllProjection())
    phone_bidx = UnicodeAttribute(hash_key=True)


class MemberRecord(Model):
    """A worker's account. Phone, name and ID number are stored sealed, with a masked copy for display."""

    Meta = table_meta("members")
    member_id = UnicodeAttribute(hash_key=True)
    phone_bidx = UnicodeAttribute(null=True)  # absent once the member is erased
    phone_enc = UnicodeAttribute(null=True)
    phone_masked = UnicodeAttribute(null=True)
    name_enc = UnicodeAttribute(null=True)
    name_masked = UnicodeAttribute(null=True)
    id_number_enc = UnicodeAttribute(null=True)
    id_number_masked = UnicodeAttribute(null=True)
    worker_group = UnicodeAttribute(null=True)
    city = UnicodeAttribute(null=True)
    employer_id = UnicodeAttribute(null=True)
    employer_name_zh = UnicodeAttribute(null=True)  # copied when set, so a profile is one GetItem
    employer_name_en = UnicodeAttribute(null=True)
    language = UnicodeAttribute(default="zh-CN")
    roles = UnicodeSetAttribute(default=lambda: {"worker"})
    station_ids = UnicodeSetAttribute(null=True)
    status = UnicodeAttribute(default="active")
    membership_status = UnicodeAttribute(null=True)  # None (not a member) | active | grace | lapsed | left
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()
    phone_index = PhoneIndex()


class PhoneClaim(Model):
    """One item per phone blind index: makes 'one account per phone' hold under concurrent first logins."""

    Meta = table_meta("phone_claims")
    phone_bidx = UnicodeAttribute(hash_key=True)
    member_id = UnicodeAttribute()


class OtpChallenge(Model):
    """The current one-time code that one client (a keyed hash of its IP) asked for one phone, and the
    recent send times of that pair (for the per-phone rate limit). Keyed `<phone bidx>#<client key>`, so
    a stranger's requests and wrong guesses never replace or burn the code the owner asked for."""

    Meta = table_meta("otp")
    phone_bidx = UnicodeAttribute(hash_key=True)
    code_hash = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(default=0)
    attempts = NumberAttribute(default=0)
    sends = ListAttribute(of=NumberAttribute, default=list)  # send times (epoch seconds)
    ttl = TTLAttribute(null=True)
    version = VersionAttribute()


class RefreshSessionRecord(Model):
    """A refresh token, stored as its hash. Rotation marks it `rotated` and issues a successor."""

    Meta = table_meta("sessions")
    token_hash = UnicodeAttribute(hash_key=True)
    member_id = UnicodeAttribute()
    family_id = UnicodeAttribute()
    status = UnicodeAttribute(default="active")
    expires_at = NumberAttribute()
    ttl = TTLAttribute(null=True)


class TokenRevocation(Model):
    """Per member: the token epoch (only ever ADDed to, so a stale write elsewhere cannot lower it) and
    the revoked refresh families with their revocation time. Its own item, never the member item, which
    use cases save whole."""

    Meta = table_meta("token_revocations")
    member_id = UnicodeAttribute(hash_key=True)
    epoch = NumberAttribute(default=0)
    families = MapAttribute(default=dict)  # type: ignore[var-annotated]


class LoginLimit(Model):
    """A fixed-window counter of one login limit: `<limit>#<subject>#<window index>` (subject: a client
    key, a phone's blind index, or `all` for the global SMS budget). Expires after its window."""

    Meta = table_meta("login_limits")
    limit_key = UnicodeAttribute(hash_key=True)
    used = NumberAttribute(default=0)
    ttl = TTLAttribute(null=True)


MODELS: tuple[type[Model], ...] = (
    MemberRecord,
    PhoneClaim,
    OtpChallenge,
    RefreshSessionRecord,
    TokenRevocation,
    LoginLimit,
)
