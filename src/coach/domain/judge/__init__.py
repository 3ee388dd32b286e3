"""The coding judge's pure side: test specs, their type language, output checks and the run summary."""
