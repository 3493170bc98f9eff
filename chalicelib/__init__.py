"""WorkerHome: everything that runs inside AWS Lambda."""
