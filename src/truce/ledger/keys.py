"""Members' Ed25519 signing keys: make them, sign and verify with them, and keep the private
half sealed with a passphrase (Argon2id, then XSalsa20-Poly1305) when it rests in a file.

Pure: bytes in, bytes out. Reading and writing key files is the shell's job (services.keys).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.signing
import nacl.utils

from truce.domain.errors import InputRejected

SIGNATURE_SIZE = 64
# The log operator: the one key the server holds. It signs checkpoints, and the entries of acts
# done on the server on a member's behalf (marked operator-attested).
OPERATOR = "operator"
# Argon2id at libsodium's "interactive" limits: unlocking a key is a human act, a fraction
# of a second; a stolen file still costs an attacker 64 MiB per guess.
OPS = nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE
MEM = nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE


def key_id(public: bytes) -> str:
    """A short, stable name for a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public).hexdigest()[:16]


@dataclass(frozen=True)
class SigningKey:
    member: str
    key: nacl.signing.SigningKey

    @classmethod
    def generate(cls, member: str) -> SigningKey:
        return cls(member, nacl.signing.SigningKey.generate())

    @property
    def public(self) -> bytes:
        return bytes(self.key.verify_key)

    @property
    def id(self) -> str:
        return key_id(self.public)

    def sign(self, message: bytes) -> bytes:
        return bytes(self.key.sign(message).signature)

    def seal(self, passphrase: str | None) -> bytes:
        """The key file's content. Without a passphrase the private key is written in the clear
        (the file must then be protected by the file system: mode 0600, outside the database)."""
        body: dict[str, object] = {
            "member": self.member,
            "key_id": self.id,
            "public": self.public.hex(),
        }
        seed = bytes(self.key)
        if passphrase:
            salt = nacl.utils.random(nacl.pwhash.argon2id.SALTBYTES)
            box = nacl.secret.SecretBox(_derive(passphrase, salt))
            body["sealed"] = {
                "kdf": "argon2id",
                "ops": OPS,
                "mem": MEM,
                "salt": salt.hex(),
                "box": bytes(box.encrypt(seed)).hex(),
            }
        else:
            body["seed"] = seed.hex()
        return json.dumps(body, indent=1, sort_keys=True).encode()

    @classmethod
    def unseal(cls, content: bytes, passphrase: str | None) -> SigningKey:
        try:
            body = json.loads(content)
            member = str(body["member"])
            if "seed" in body:
                seed = bytes.fromhex(body["seed"])
            else:
                sealed = body["sealed"]
                if not passphrase:
                    raise InputRejected(f"the key of {member} is sealed: give its passphrase")
                salt = bytes.fromhex(sealed["salt"])
                key = _derive(passphrase, salt, int(sealed["ops"]), int(sealed["mem"]))
                seed = nacl.secret.SecretBox(key).decrypt(bytes.fromhex(sealed["box"]))
        except nacl.exceptions.CryptoError:
            raise InputRejected("wrong passphrase for this key file") from None
        except (KeyError, ValueError, TypeError) as exc:
            raise InputRejected(f"not a Truce key file ({exc})") from None
        signing = cls(member, nacl.signing.SigningKey(seed))
        if body.get("public") and body["public"] != signing.public.hex():
            raise InputRejected(
                f"key file of {member}: the public key does not match the private one"
            )
        return signing


def _derive(passphrase: str, salt: bytes, ops: int = OPS, mem: int = MEM) -> bytes:
    return bytes(
        nacl.pwhash.argon2id.kdf(
            nacl.secret.SecretBox.KEY_SIZE, passphrase.encode(), salt, opslimit=ops, memlimit=mem
        )
    )


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """True if `signature` is `public`'s Ed25519 signature of `message`."""
    if len(signature) != SIGNATURE_SIZE:
        return False
    try:
        nacl.signing.VerifyKey(public).verify(message, signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, TypeError):
        return False
    return True
