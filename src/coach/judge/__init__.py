"""The coding judge: harnesses that run a candidate's code against a question's tests in a sandbox."""
