"""What the files say: guarded YAML, the model and its rules, validation, who sees what; files read and written
safely."""
