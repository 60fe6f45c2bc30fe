"""(being written)"""
KINDS = {}
