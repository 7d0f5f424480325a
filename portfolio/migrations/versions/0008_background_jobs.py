"""Reference mail sent by a background job: a request may wait for its token

A request the app mails is stored "sending" without a token; the job makes the token,
mails the link, then stores its hash. So reference_request.token_hash may be empty, and
three columns follow the job's tries (mail_attempts, mail_started_at, mail_error).
withdraw_mail_hash holds the hash of the withdrawal link the job mails to the referee.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # Server defaults fill the requests that exist; the model fills new ones.
    with op.batch_alter_table('reference_request', schema=None) as batch_op:
        batch_op.alter_column('token_hash', existing_type=sa.String(length=64), nullable=True)
        batch_op.add_column(
            sa.Column('mail_attempts', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.add_column(sa.Column('mail_started_at', sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column('mail_error', sa.String(length=200), nullable=False, server_default='')
        )
        batch_op.add_column(
            sa.Column('withdraw_mail_hash', sa.String(length=64), nullable=True)
        )
        batch_op.create_unique_constraint(
            batch_op.f('uq_reference_request_withdraw_mail_hash'), ['withdraw_mail_hash']
        )

    with op.batch_alter_table('reference_request', schema=None) as batch_op:
        batch_op.alter_column('mail_attempts', existing_type=sa.Integer(), server_default=None)
        batch_op.alter_column(
            'mail_error', existing_type=sa.String(length=200), server_default=None
        )


def downgrade():
    # Before 0008 every request has a token: one still being mailed, or never sent,
    # becomes revoked with a hash no token matches, so the owner's record stays.
    op.execute(
        "UPDATE reference_request SET state = 'revoked', decided_at = CURRENT_TIMESTAMP, "
        "token_hash = 'unsent:' || id WHERE token_hash IS NULL"
    )
    with op.batch_alter_table('reference_request', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('uq_reference_request_withdraw_mail_hash'), type_='unique'
        )
        batch_op.drop_column('withdraw_mail_hash')
        batch_op.drop_column('mail_error')
        batch_op.drop_column('mail_started_at')
        batch_op.drop_column('mail_attempts')
        batch_op.alter_column('token_hash', existing_type=sa.String(length=64), nullable=False)
