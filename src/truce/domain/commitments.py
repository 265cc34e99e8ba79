"""Commitments: how the ledger and outsiders refer to documents and free text without
letting anyone who holds a candidate copy confirm it.

A raw SHA-256 is a confirmation oracle: whoever holds a copy of a witness statement hashes
it and looks for the hash. So the ledger and the public see a *salted* commitment instead,
sha256(salt || what), where the salt is derived from a secret key kept in the store
(HMAC-SHA256 of the key and the raw hash). Equal inputs still give equal commitments
(entries stay linkable to the document), but without the salt nothing can be confirmed.
The analysts can disclose one document's or one text's salt to prove what an entry committed
to, without disclosing the key or any other salt.
"""

from __future__ import annotations

import hashlib
import hmac

DOCUMENT_PREFIX = "doc_"


def _digest(document_id: str) -> bytes:
    try:
        return bytes.fromhex(document_id)
    except ValueError:
        return document_id.encode()


def document_salt(key: bytes, document_id: str) -> bytes:
    """The salt of one document (by its raw SHA-256): what analysts disclose to prove it."""
    return hmac.new(key, b"document\x00" + _digest(document_id), hashlib.sha256).digest()


def keyed_document_id(key: bytes, document_id: str) -> str:
    """The identifier outsiders and the ledger see for a document: "doc_" and
    sha256(salt || raw SHA-256 of its bytes)."""
    if document_id.startswith(DOCUMENT_PREFIX):
        return document_id  # already keyed
    salt = document_salt(key, document_id)
    return DOCUMENT_PREFIX + hashlib.sha256(salt + _digest(document_id)).hexdigest()


def opens_document(salt: bytes, content: bytes, keyed: str) -> bool:
    """Whether a disclosed salt shows that `keyed` commits to these bytes."""
    digest = hashlib.sha256(content).digest()
    return keyed == DOCUMENT_PREFIX + hashlib.sha256(salt + digest).hexdigest()


def text_salt(key: bytes, text: str) -> bytes:
    return hmac.new(key, b"text\x00" + text.encode("utf-8"), hashlib.sha256).digest()


def text_commitment(key: bytes, text: str) -> str:
    """A salted commitment to a free text (a file name, a reason, a reply): 64 hex digits.
    Salted because such texts are short and guessable ("WB-1 statement.txt")."""
    return hashlib.sha256(text_salt(key, text) + text.encode("utf-8")).hexdigest()


def opens_text(salt: bytes, text: str, commitment: str) -> bool:
    return commitment == hashlib.sha256(salt + text.encode("utf-8")).hexdigest()
