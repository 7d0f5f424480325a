"""PDF settings: whether visitors may download the PDF, and its paper size

Existing portfolios keep the PDF to their owner and print on A4 until they choose.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 10:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # A server default fills the rows that exist; the models give new rows their values.
    with op.batch_alter_table('portfolio_settings', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('pdf_for_visitors', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column('paper_size', sa.String(length=10), nullable=False, server_default='a4')
        )

    with op.batch_alter_table('portfolio_settings', schema=None) as batch_op:
        batch_op.alter_column('pdf_for_visitors', existing_type=sa.Boolean(), server_default=None)
        batch_op.alter_column('paper_size', existing_type=sa.String(length=10), server_default=None)


def downgrade():
    with op.batch_alter_table('portfolio_settings', schema=None) as batch_op:
        batch_op.drop_column('paper_size')
        batch_op.drop_column('pdf_for_visitors')
