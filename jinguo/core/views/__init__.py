"""Core's pages: the 工作台 and notifications (home), the audit trail, the holiday calendar."""
