// The knowledge-base routes' responses are not in backend/openapi.json yet: the shapes this console reads.
export interface Article {
  id: string;
  slug: string;
  title: string;
  body: string;
  /** Sanitised HTML of the body (rendered by the API). */
  html: string;
  excerpt: string | null;
  status: 'DRAFT' | 'IN_REVIEW' | 'PUBLISHED' | 'ARCHIVED';
  currentVersion: number;
  updatedAt: string;
}
export interface ArticleVersion {
  version: number;
  title: string;
  changeNote: string | null;
  createdAt: string;
}
