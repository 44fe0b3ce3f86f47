// LabReport — see docs/architecture.md for this module's one job.
