"""the log operator's key (issue 12): no schema change

The operator is a pseudo-member, `operator`: its public key is registered in `member_keys`
on first use like any key, and entries it signs for a member carry `attested_by` in their
signed body. Neither needs a column.

Moving the members' private keys out of the server's key directory is not done here: a
migration changes the database, and those keys are files that must end up with people. It is
`truce keys handover --out DIR`, which prints where each key went; `truce serve` and
`truce demo` refuse to start while a member's key is still in the server's key directory,
naming that command.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 06:45:00.000000
"""

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
