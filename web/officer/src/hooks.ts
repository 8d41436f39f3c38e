import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Category } from "./api.ts";

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
