"""Code evidence keeps the author names of the owner's commits

"41 of 57 commits by Ada Lovelace": a reader of the public repository can check the
count against the names, never the emails. Projects analysed before have none (NULL).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 13:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('project_code_evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commit_authors', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('project_code_evidence', schema=None) as batch_op:
        batch_op.drop_column('commit_authors')
