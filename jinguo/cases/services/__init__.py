"""Every write of the cases app: one service function per step, each in one transaction with
a timeline event (CaseEvent) and an audit row; notifications after commit."""
