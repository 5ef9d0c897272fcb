"""disputekit: evidence dossiers for Taobao/Tmall refund disputes."""

__version__ = "0.1.0"
