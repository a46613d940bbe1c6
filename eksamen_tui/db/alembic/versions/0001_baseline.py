"""Baseline: the schema of the first release (commit bdc2002), frozen.

Never edit this file: databases written by that release are stamped with
this revision and upgraded from here. The release kept its own version in
`schema_version` (version 1); the table stays as it was.

Revision ID: 0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schema_version",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("version"),
    )
    op.execute("INSERT INTO schema_version (version, description) VALUES (1, 'baseline schema')")
    op.create_table('auditentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('clerk', sa.String(length=80), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('old_value', sa.String(), nullable=True),
    sa.Column('new_value', sa.String(), nullable=True),
    sa.Column('reason_code', sa.String(length=40), nullable=True),
    sa.Column('note', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_audit_at', 'auditentry', ['at'], unique=False)
    op.create_index('ix_audit_entity', 'auditentry', ['entity', 'entity_id'], unique=False)
    op.create_table('course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(('ix_course_code'), 'course', ['code'], unique=True)
    op.create_table('examiner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('employer', sa.String(length=200), nullable=False),
    sa.Column('is_external', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_examiner_email', 'examiner', ['email'], unique=False)
    op.create_index('ix_examiner_name', 'examiner', ['name'], unique=False)
    op.create_table('setting',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('student',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('student_number', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(('ix_student_student_number'), 'student', ['student_number'], unique=True)
    op.create_table('exam',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('semester', sa.String(length=10), nullable=False),
    sa.Column('exam_form', sa.String(length=40), nullable=False),
    sa.Column('exam_date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('grade_scale', sa.String(length=12), nullable=False),
    sa.Column('campus', sa.String(length=60), nullable=False),
    sa.Column('rooms', sa.String(length=200), nullable=False),
    sa.Column('is_thesis', sa.Boolean(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_exam_course_date', 'exam', ['course_id', 'exam_date'], unique=False)
    op.create_index('ix_exam_date', 'exam', ['exam_date'], unique=False)
    op.create_table('exampart',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exam_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('exam_form', sa.String(length=40), nullable=False),
    sa.Column('exam_date', sa.Date(), nullable=True),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('grade_scale', sa.String(length=12), nullable=False),
    sa.Column('campus', sa.String(length=60), nullable=False),
    sa.Column('rooms', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['exam_id'], ['exam.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_exampart_exam', 'exampart', ['exam_id'], unique=False)
    op.create_table('registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exam_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('candidate_number', sa.Integer(), nullable=False),
    sa.Column('attempt_number', sa.Integer(), nullable=False),
    sa.Column('language_form', sa.String(length=20), nullable=False),
    sa.Column('accommodations', sa.String(length=200), nullable=False),
    sa.Column('attendance_state', sa.String(length=20), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('documentation_received_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['exam_id'], ['exam.id'], ),
    sa.ForeignKeyConstraint(['student_id'], ['student.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('exam_id', 'candidate_number', name='uq_registration_exam_candidate'),
    sa.UniqueConstraint('exam_id', 'student_id', name='uq_registration_exam_student')
    )
    op.create_index('ix_registration_exam_state', 'registration', ['exam_id', 'attendance_state'], unique=False)
    op.create_index('ix_registration_student', 'registration', ['student_id'], unique=False)
    op.create_table('attendancechange',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('old_state', sa.String(length=20), nullable=False),
    sa.Column('new_state', sa.String(length=20), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('clerk', sa.String(length=80), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_attendancechange_registration', 'attendancechange', ['registration_id'], unique=False)
    op.create_table('commission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exam_id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['exam_id'], ['exam.id'], ),
    sa.ForeignKeyConstraint(['part_id'], ['exampart.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_commission_exam', 'commission', ['exam_id', 'kind'], unique=False)
    op.create_table('grade',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=True),
    sa.Column('value', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('control_value', sa.String(length=20), nullable=True),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('entered_by', sa.String(length=80), nullable=False),
    sa.Column('entered_at', sa.DateTime(), nullable=True),
    sa.Column('controlled_by', sa.String(length=80), nullable=True),
    sa.Column('controlled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['part_id'], ['exampart.id'], ),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_grade_registration_part', 'grade', ['registration_id', 'part_id', 'is_current'], unique=False)
    op.create_table('paperdelivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exam_id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('delivered_by', sa.String(length=120), nullable=False),
    sa.Column('received_by', sa.String(length=80), nullable=False),
    sa.Column('delivery_format', sa.String(length=10), nullable=False),
    sa.Column('checklist', sa.String(), nullable=False),
    sa.Column('checklist_complete', sa.Boolean(), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('remark', sa.String(), nullable=False),
    sa.Column('is_late', sa.Boolean(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['exam_id'], ['exam.id'], ),
    sa.ForeignKeyConstraint(['part_id'], ['exampart.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_paperdelivery_exam', 'paperdelivery', ['exam_id', 'received_at'], unique=False)
    op.create_table('case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('case_type', sa.String(length=20), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('in_time', sa.Boolean(), nullable=False),
    sa.Column('override_reason', sa.String(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('commission_id', sa.Integer(), nullable=True),
    sa.Column('sent_to_commission_on', sa.Date(), nullable=True),
    sa.Column('original_grade', sa.String(length=20), nullable=True),
    sa.Column('new_grade', sa.String(length=20), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=True),
    sa.Column('needs_further_assessment', sa.Boolean(), nullable=False),
    sa.Column('further_assessment_on', sa.Date(), nullable=True),
    sa.Column('explanation_given_on', sa.Date(), nullable=True),
    sa.Column('explanation_form', sa.String(length=10), nullable=True),
    sa.Column('decision_on', sa.Date(), nullable=True),
    sa.Column('decision_sent_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['commission_id'], ['commission.id'], ),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_case_registration', 'case', ['registration_id'], unique=False)
    op.create_index('ix_case_type_closed', 'case', ['case_type', 'closed_on'], unique=False)
    op.create_table('commissionmember',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commission_id', sa.Integer(), nullable=False),
    sa.Column('examiner_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=60), nullable=False),
    sa.Column('is_paid', sa.Boolean(), nullable=False),
    sa.Column('candidate_count', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['commission_id'], ['commission.id'], ),
    sa.ForeignKeyConstraint(['examiner_id'], ['examiner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('commission_id', 'examiner_id', name='uq_member_commission_examiner')
    )
    op.create_index('ix_member_examiner', 'commissionmember', ['examiner_id'], unique=False)

def downgrade() -> None:
    raise NotImplementedError("the baseline is not downgraded")
