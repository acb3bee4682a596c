ÿþý not utf-8 Ã(
