"""References: requests sent to referees and what they confirmed (issue 17)

One table, reference_request: the owner's request (a label for themselves, the hash of
the link's token, when it expires, how it was sent) and, once answered, what the
referee typed and a snapshot of exactly what they confirmed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reference_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('label_name', sa.String(length=120), nullable=False),
        sa.Column('label_role', sa.String(length=120), nullable=False),
        sa.Column('referee_email', sa.String(length=254), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('sent_by', sa.String(length=10), nullable=False),
        sa.Column('sent_to_domain', sa.String(length=253), nullable=False),
        sa.Column('referee_name', sa.String(length=120), nullable=False),
        sa.Column('referee_job_title', sa.String(length=120), nullable=False),
        sa.Column('referee_organisation', sa.String(length=200), nullable=False),
        sa.Column('referee_relationship', sa.String(length=300), nullable=False),
        sa.Column('confirmed', sa.JSON(), nullable=False),
        sa.Column('comment', sa.String(length=500), nullable=False),
        sa.Column('show_name', sa.Boolean(), nullable=False),
        sa.Column('show_comment', sa.Boolean(), nullable=False),
        sa.Column('hidden', sa.Boolean(), nullable=False),
        sa.Column('owner_shows_comment', sa.Boolean(), nullable=False),
        sa.Column('withdraw_hash', sa.String(length=64), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['project_id'], ['project.id'],
            name=op.f('fk_reference_request_project_id_project'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user.id'],
            name=op.f('fk_reference_request_user_id_user'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_request')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_reference_request_token_hash')),
        sa.UniqueConstraint('withdraw_hash', name=op.f('uq_reference_request_withdraw_hash')),
    )
    with op.batch_alter_table('reference_request', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_reference_request_project_id'), ['project_id'], unique=False
        )
        batch_op.create_index(
            'ix_reference_request_user_project', ['user_id', 'project_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('reference_request', schema=None) as batch_op:
        batch_op.drop_index('ix_reference_request_user_project')
        batch_op.drop_index(batch_op.f('ix_reference_request_project_id'))
    op.drop_table('reference_request')
