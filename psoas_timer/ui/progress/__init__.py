"""The Progress and history screen: charts, the session history and their commands."""
