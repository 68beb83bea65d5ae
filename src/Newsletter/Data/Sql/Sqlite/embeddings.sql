-- name: list-text-embeddings
SELECT text AS Text, vector AS Vector FROM text_embeddings WHERE model = @Model AND text IN @Texts;
