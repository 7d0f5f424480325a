"""Evidence from the code itself: analyses and technologies found in code (issues 15, 16)

code_analysis holds each analysis of a repository (its state, steps and findings, never
the code); project_code_evidence what the latest confirmed one showed about a project;
project_technology says which tags were found in the code, with their evidence lines.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('project_technology', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('from_code', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column('evidence', sa.JSON(), nullable=True))

    with op.batch_alter_table('project_technology', schema=None) as batch_op:
        batch_op.alter_column('from_code', existing_type=sa.Boolean(), server_default=None)

    op.create_table(
        'code_analysis',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('label', sa.String(length=2000), nullable=False),
        sa.Column('emails', sa.JSON(), nullable=False),
        sa.Column('upload_name', sa.String(length=80), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('step', sa.String(length=200), nullable=False),
        sa.Column('error', sa.String(length=1000), nullable=False),
        sa.Column('findings', sa.JSON(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['project_id'], ['project.id'],
            name=op.f('fk_code_analysis_project_id_project'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user.id'],
            name=op.f('fk_code_analysis_user_id_user'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_code_analysis')),
    )
    with op.batch_alter_table('code_analysis', schema=None) as batch_op:
        batch_op.create_index(
            'ix_code_analysis_status_heartbeat', ['status', 'heartbeat_at'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_code_analysis_project_id'), ['project_id'], unique=False
        )
        batch_op.create_index(batch_op.f('ix_code_analysis_user_id'), ['user_id'], unique=False)

    op.create_table(
        'project_code_evidence',
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('label', sa.String(length=2000), nullable=False),
        sa.Column('analysed_at', sa.DateTime(), nullable=False),
        sa.Column('languages', sa.JSON(), nullable=False),
        sa.Column('practices', sa.JSON(), nullable=False),
        sa.Column('commits_yours', sa.Integer(), nullable=True),
        sa.Column('commits_total', sa.Integer(), nullable=True),
        sa.Column('first_commit', sa.Date(), nullable=True),
        sa.Column('last_commit', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ['project_id'], ['project.id'],
            name=op.f('fk_project_code_evidence_project_id_project'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('project_id', name=op.f('pk_project_code_evidence')),
    )


def downgrade():
    op.drop_table('project_code_evidence')
    with op.batch_alter_table('code_analysis', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_code_analysis_user_id'))
        batch_op.drop_index(batch_op.f('ix_code_analysis_project_id'))
        batch_op.drop_index('ix_code_analysis_status_heartbeat')
    op.drop_table('code_analysis')
    with op.batch_alter_table('project_technology', schema=None) as batch_op:
        batch_op.drop_column('evidence')
        batch_op.drop_column('from_code')
