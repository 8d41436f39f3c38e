import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Category, type InboxItem } from "./api.ts";
import { errorText } from "./format.ts";

/** The categories in the reader's language (empty until loaded or when the call fails). */
export function useCategories(): Category[] {
  const { i18n } = useTranslation();
  const [categories, setCategories] = useState<Category[]>([]);
  useEffect(() => {
    let live = true;
    api.categories(i18n.language).then((r) => live && setCategories(r.items), () => live && setCategories([]));
    return () => {
      live = false;
    };
  }, [i18n.language]);
  return categories;
}

export const categoryName = (categories: Category[], code: string | null | undefined): string =>
  (code && categories.find((c) => c.code === code)?.name) || code || "—";

/**
 * A work queue: the first page of the inbox for `query` (in the reader's language), `order`ed if given, an error
 * text when it fails, and `done(ticket, message)` that takes a handled report off the list and announces it.
 */
export function useReportQueue(query: Record<string, string>, order?: (a: InboxItem, b: InboxItem) => number) {
  const { i18n } = useTranslation();
  const [items, setItems] = useState<InboxItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [announce, setAnnounce] = useState("");
  const key = new URLSearchParams(query).toString();
  useEffect(() => {
    let live = true;
    setError(null);
    api.list(new URLSearchParams(`${key}&lang=${encodeURIComponent(i18n.language)}`)).then(
      (r) => live && setItems(order ? [...r.items].sort(order) : r.items),
      (err: unknown) => {
        if (!live) return;
        setError(errorText(err));
        setItems([]);
      },
    );
    return () => {
      live = false;
    };
    // `order` is a fixed comparison of the caller's; the query is compared by its text
  }, [key, i18n.language]);
  const done = useCallback((ticket: string, message: string) => {
    setAnnounce(message);
    setItems((list) => list?.filter((i) => i.ticket !== ticket) ?? null);
  }, []);
  return { items, error, announce, done };
}
