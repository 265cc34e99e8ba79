"""member-signed acts (issue 12): no schema change

A member's signature of its reply or vote rides in the case event's JSON body and in the
ledger entry; `member_signatures` is a field of the agreement's JSON body (absent: optional).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 06:45:00.000000
"""

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
